'use client';

import { Stack, Text } from '@mantine/core';
import { IconPhotoOff } from '@tabler/icons-react';
import { type RefObject, useEffect, useRef, useState } from 'react';
import { liveThumbnailPath } from '@/lib/playback-url';
import classes from './live-thumbnail.module.css';

/** About two keyframe intervals: the picture keeps up without a decode per poll (the server caches per keyframe). */
const REFRESH_MS = 5000;
/** How long a new picture takes to fade in (live-thumbnail.module.css); then the ones under it go. */
const FADE_MS = 400;
/** Widths asked for come in steps, so cards of nearly the same size share the server's cached pictures. */
const WIDTH_STEP = 160;
const MAX_WIDTH = 1920;

interface Layer {
  id: number;
  url: string;
  shown: boolean;
}

interface LiveThumbnailProps {
  playbackId: string;
  /** Accessible name of the picture. */
  label: string;
  /** Playback token for signed playback. */
  token?: string | null;
  /** False while the stream has no video track yet (or never will): nothing is asked for. */
  enabled: boolean;
  /** The object URL of the picture on screen, for a player's poster. */
  onPicture?: (url: string | undefined) => void;
}

/**
 * The latest keyframe of a live stream, refreshed every few seconds: fetched (the browser revalidates
 * with the ETag, so an unchanged keyframe costs a 304), decoded off screen, then faded in over the
 * previous one. The frame keeps its 16:9 box throughout, so nothing moves.
 */
export function LiveThumbnail({ playbackId, label, token, enabled, onPicture }: LiveThumbnailProps) {
  const frameRef = useRef<HTMLDivElement>(null);
  const width = useRequestWidth(frameRef);
  const [layers, setLayers] = useState<Layer[]>([]);
  const [missing, setMissing] = useState(false);
  const onPictureRef = useRef(onPicture);
  useEffect(() => {
    onPictureRef.current = onPicture;
  }, [onPicture]);

  useEffect(() => {
    if (!enabled || width === 0) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let etag: string | null = null;
    let nextId = 0;
    const load = async () => {
      try {
        const response = await fetch(liveThumbnailPath(playbackId, width, token), {
          cache: 'no-cache',
          signal: controller.signal,
        });
        if (!response.ok) {
          setMissing(etag === null);
          return;
        }
        const tag = response.headers.get('etag');
        if (tag !== null && tag === etag) return; // the same keyframe
        const url = URL.createObjectURL(await response.blob());
        etag = tag;
        setMissing(false);
        setLayers((previous) => [...previous, { id: ++nextId, url, shown: false }]);
      } catch {
        // Aborted on unmount, or the network blinked: the next round tries again.
      } finally {
        if (!controller.signal.aborted) timer = setTimeout(() => void load(), REFRESH_MS);
      }
    };
    void load();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [playbackId, token, width, enabled]);

  // Object URLs hold the image bytes until revoked.
  const layersRef = useRef(layers);
  useEffect(() => {
    layersRef.current = layers;
  }, [layers]);
  useEffect(() => () => layersRef.current.forEach((layer) => URL.revokeObjectURL(layer.url)), []);

  const shown = layers.filter((layer) => layer.shown);
  const current = shown[shown.length - 1];
  useEffect(() => onPictureRef.current?.(current?.url), [current?.url]);

  /** A picture has loaded: it fades in, then the ones under it go (a timer: no transition with reduced motion). */
  const show = (id: number) => {
    setLayers((previous) => previous.map((layer) => (layer.id === id ? { ...layer, shown: true } : layer)));
    setTimeout(
      () =>
        setLayers((previous) => {
          const index = previous.findIndex((layer) => layer.id === id);
          previous.slice(0, Math.max(0, index)).forEach((layer) => URL.revokeObjectURL(layer.url));
          return index > 0 ? previous.slice(index) : previous;
        }),
      FADE_MS + 100,
    );
  };

  return (
    <div
      ref={frameRef}
      className={classes.frame}
      data-thumbnail-state={current ? 'ready' : missing ? 'missing' : 'loading'}
    >
      {!current && !missing && enabled && <div className={classes.shimmer} aria-hidden />}
      {!current && (missing || !enabled) && (
        <Stack className={classes.placeholder} align="center" justify="center" gap={4} aria-hidden>
          <IconPhotoOff size={22} />
          <Text size="xs" c="gray.4">
            {enabled ? 'No picture yet' : 'No video'}
          </Text>
        </Stack>
      )}
      {layers.map((layer) => (
        // Each picture is decoded off screen (opacity 0) and fades in once it has loaded.
        <img
          key={layer.id}
          src={layer.url}
          alt={layer === current ? label : ''}
          className={classes.picture}
          data-shown={layer.shown}
          onLoad={() => show(layer.id)}
        />
      ))}
    </div>
  );
}

/** The frame's width in device pixels, rounded up to a step; 0 until measured. */
function useRequestWidth(ref: RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const pixels = element.clientWidth * (window.devicePixelRatio || 1);
      if (pixels > 0) setWidth(Math.min(MAX_WIDTH, Math.ceil(pixels / WIDTH_STEP) * WIDTH_STEP));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
