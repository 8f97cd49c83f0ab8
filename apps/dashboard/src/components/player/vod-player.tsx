'use client';

import { Center, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { startVodPlayback } from '@/lib/hls-playback';
import classes from './hls-player.module.css';

/** A recording: seekable, native controls, starts when the viewer presses play. */
export function VodPlayer({ src, label }: { src: string; label: string }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState(false);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let destroyed = false;
    let destroy: (() => void) | undefined;
    setError(false);
    void startVodPlayback(video, src, () => !destroyed && setError(true)).then((playback) => {
      if (destroyed) playback.destroy();
      else destroy = () => playback.destroy();
    });
    return () => {
      destroyed = true;
      destroy?.();
    };
  }, [src]);

  return (
    <div className={classes.frame} data-state={error ? 'error' : 'ready'}>
      <video ref={videoRef} className={classes.video} aria-label={label} playsInline controls preload="metadata" />
      {error && (
        <Center className={classes.overlay} role="alert">
          <Stack align="center" gap={4} c="gray.3">
            <IconAlertTriangle aria-hidden />
            <Text size="sm" c="gray.3">
              This recording cannot be played
            </Text>
          </Stack>
        </Center>
      )}
    </div>
  );
}
