'use client';

import { ActionIcon, Center, Stack, Text } from '@mantine/core';
import { IconLock, IconPlayerPlayFilled, IconPlayerStopFilled } from '@tabler/icons-react';
import { type PointerEvent, useRef, useState } from 'react';
import type { Schemas } from '@/lib/api';
import { livePlaybackPath } from '@/lib/playback-url';
import { HlsPlayer } from '../player/hls-player';
import classes from './live-preview.module.css';
import { LiveThumbnail } from './live-thumbnail';
import { usePlaybackToken } from './use-playback-token';

type LiveStream = Schemas['LiveStreamDto'];

/** A pointer resting this long on a card plays it (passing over on the way elsewhere does not). */
const HOVER_DELAY_MS = 250;

/**
 * A live card's picture: the stream's latest keyframe, refreshed, instead of a video player per card (a
 * grid of players is a grid of HLS sessions). Resting the mouse on it plays the stream; on touch screens a
 * tap plays and stops it, and the button does for the keyboard. Signed streams use a playback token.
 */
export function LivePreview({ stream }: { stream: LiveStream }) {
  const signed = stream.signedPlayback;
  const token = usePlaybackToken(stream.streamKeyId, signed);
  const [playing, setPlaying] = useState(false);
  const [poster, setPoster] = useState<string>();
  const hover = useRef<ReturnType<typeof setTimeout>>(undefined);
  const pointer = useRef('mouse');
  const label = stream.keyLabel;

  if (signed && token.isError) {
    return (
      <Center className={classes.preview} bg="dark.8" c="gray.4">
        <Stack align="center" gap={4}>
          <IconLock aria-hidden />
          <Text size="sm" c="gray.4">
            Signed playback: open the stream to watch
          </Text>
        </Stack>
      </Center>
    );
  }

  const ready = !signed || token.data !== undefined;
  const playbackToken = token.data?.token;
  const enter = (event: PointerEvent) => {
    pointer.current = event.pointerType;
    if (event.pointerType === 'mouse') hover.current = setTimeout(() => setPlaying(true), HOVER_DELAY_MS);
  };
  const leave = (event: PointerEvent) => {
    if (event.pointerType !== 'mouse') return;
    clearTimeout(hover.current);
    setPlaying(false);
  };

  return (
    <div
      className={classes.preview}
      data-playing={playing}
      onPointerEnter={enter}
      onPointerLeave={leave}
      onClick={() => pointer.current !== 'mouse' && setPlaying((now) => !now)}
    >
      <LiveThumbnail
        playbackId={stream.playbackId}
        label={`Latest picture of ${label}`}
        token={playbackToken}
        enabled={ready && stream.video !== undefined}
        onPicture={setPoster}
      />
      {playing && ready && (
        <div className={classes.player}>
          <HlsPlayer
            src={livePlaybackPath(stream.playbackId, playbackToken)}
            label={`Preview of ${label}`}
            preview
            poster={poster}
          />
        </div>
      )}
      <ActionIcon
        className={classes.toggle}
        variant="filled"
        color="dark"
        radius="xl"
        size="lg"
        aria-label={playing ? `Stop the preview of ${label}` : `Play a preview of ${label}`}
        aria-pressed={playing}
        onClick={(event) => {
          event.stopPropagation();
          clearTimeout(hover.current);
          setPlaying((now) => !now);
        }}
      >
        {playing ? <IconPlayerStopFilled size={16} aria-hidden /> : <IconPlayerPlayFilled size={16} aria-hidden />}
      </ActionIcon>
    </div>
  );
}
