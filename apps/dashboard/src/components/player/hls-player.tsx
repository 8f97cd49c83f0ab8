'use client';

import { Badge, Box, Center, Loader, Stack, Text } from '@mantine/core';
import { IconPlayerStop, IconWifiOff } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { startPlayback, type PlaybackEvent } from '@/lib/hls-playback';
import classes from './hls-player.module.css';

export type PlayerState = 'loading' | 'playing' | 'ended' | 'offline' | 'error';

interface HlsPlayerProps {
  /** Multivariant playlist URL (same origin: `/live/<playbackId>/index.m3u8`). */
  src: string;
  /** Accessible name of the video. */
  label: string;
  /** Native controls (the detail page); previews have none. */
  controls?: boolean;
  preview?: boolean;
  /** Shown until the first frame plays (a thumbnail of the stream) rather than black. */
  poster?: string;
  onState?: (state: PlayerState) => void;
}

/** A muted, autoplaying live player with loading, offline and ended overlays. */
export function HlsPlayer({ src, label, controls = false, preview = false, poster, onState }: HlsPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<PlayerState>('loading');
  const [lowLatency, setLowLatency] = useState(false);
  const onStateRef = useRef(onState);
  useEffect(() => {
    onStateRef.current = onState;
  }, [onState]);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let destroyed = false;
    let destroy: (() => void) | undefined;
    const update = (next: PlayerState) => {
      if (destroyed) return;
      setState(next);
      onStateRef.current?.(next);
    };
    const onEvent = (event: PlaybackEvent) => {
      switch (event.type) {
        case 'playing':
          return update('playing');
        case 'low-latency':
          return setLowLatency(true);
        case 'ended':
          return update('ended');
        case 'offline':
          return update('offline');
        case 'error':
          return update('error');
      }
    };
    setState('loading');
    void startPlayback(video, src, onEvent, { preview }).then((playback) => {
      if (destroyed) playback.destroy();
      else destroy = () => playback.destroy();
    });
    return () => {
      destroyed = true;
      destroy?.();
    };
  }, [src, preview]);

  return (
    <Box className={classes.frame} data-state={state}>
      <video
        ref={videoRef}
        className={classes.video}
        aria-label={label}
        muted
        autoPlay
        playsInline
        controls={controls}
        poster={poster}
      />
      {state === 'playing' && !preview && lowLatency && (
        <Badge className={classes.badge} color="dark" variant="filled" size="sm">
          LL-HLS
        </Badge>
      )}
      {state !== 'playing' && (
        <Center className={classes.overlay} role="status" aria-live="polite">
          {state === 'loading' && <Loader color="gray.3" size={preview ? 'sm' : 'md'} aria-label="Loading video" />}
          {state === 'ended' && <Overlay icon={<IconPlayerStop aria-hidden />} text="Stream ended" />}
          {state === 'offline' && <Overlay icon={<IconWifiOff aria-hidden />} text="Stream offline" />}
          {state === 'error' && <Overlay icon={<IconWifiOff aria-hidden />} text="This video cannot be played" />}
        </Center>
      )}
    </Box>
  );
}

function Overlay({ icon, text }: { icon: React.ReactNode; text: string }) {
  return (
    <Stack align="center" gap={4} c="gray.3">
      {icon}
      <Text size="sm" c="gray.3">
        {text}
      </Text>
    </Stack>
  );
}
