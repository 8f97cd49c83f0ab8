'use client';

import { useEffect, useRef, useState } from 'react';
import { mediaPlaylistUri, startPlayback, type Playback, type PlaybackEvent } from '@/lib/hls-playback';
import { livePlaybackPath } from '@/lib/playback-url';

/** While nothing plays, how often the multivariant playlist is asked for again. */
const POLL_MS = 4000;

type State = 'connecting' | 'live' | 'offline' | 'ended' | 'error';

/** `/embed/<playbackId>` (the server answers every id with this one exported page). */
function playbackIdFromLocation(): string | undefined {
  return /^\/embed\/([a-z0-9]{1,32})\/?$/.exec(window.location.pathname)?.[1] ?? undefined;
}

/**
 * The embeddable player: just the video, muted autoplay, a LIVE badge, and clear states when the
 * stream is offline or has ended. It keeps asking for the playlist while nothing plays and starts by
 * itself when the stream comes (back) — a new publish has a new media playlist URI.
 */
export function EmbedPlayer() {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<State>('connecting');
  const [problem, setProblem] = useState<string>();

  useEffect(() => {
    const video = videoRef.current;
    const playbackId = playbackIdFromLocation();
    if (!video || !playbackId) {
      setState('error');
      setProblem('This player link has no stream in it.');
      return;
    }
    const token = new URLSearchParams(window.location.search).get('token');
    const src = livePlaybackPath(playbackId, token);
    let disposed = false;
    let playback: Playback | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let currentMedia: string | undefined;
    let endedMedia: string | undefined;

    const teardown = () => {
      playback?.destroy();
      playback = undefined;
    };
    const poll = () => {
      clearTimeout(timer);
      if (!disposed) timer = setTimeout(() => void connect(), POLL_MS);
    };
    const onEvent = (event: PlaybackEvent) => {
      if (disposed) return;
      switch (event.type) {
        case 'playing':
          setState('live');
          return;
        case 'endlist':
          endedMedia = currentMedia;
          return;
        case 'ended':
          endedMedia = currentMedia;
          teardown();
          setState('ended');
          poll();
          return;
        case 'offline':
        case 'error':
          teardown();
          setState(endedMedia ? 'ended' : 'offline');
          poll();
          return;
      }
    };

    const connect = async (): Promise<void> => {
      let status = 0;
      let media: string | undefined;
      try {
        const response = await fetch(src, { cache: 'no-store' });
        status = response.status;
        if (response.ok) media = mediaPlaylistUri(await response.text());
      } catch {
        status = 0;
      }
      if (disposed) return;
      if (status === 200 && media && media !== endedMedia) {
        currentMedia = media;
        setState('connecting');
        const started = await startPlayback(video, src, onEvent);
        if (disposed) started.destroy();
        else playback = started;
        return;
      }
      if (status === 403) {
        setState('error');
        setProblem('This stream needs a valid playback link. Reload the page that shows it to get a fresh one.');
      } else if (!endedMedia) {
        setState('offline');
      }
      poll();
    };

    void connect();
    return () => {
      disposed = true;
      clearTimeout(timer);
      teardown();
    };
  }, []);

  return (
    <div className="embed">
      <video ref={videoRef} className="embed-video" aria-label="Live stream" muted autoPlay playsInline controls />
      {state === 'live' && (
        <div className="embed-live" role="status">
          LIVE
        </div>
      )}
      {state !== 'live' && (
        <div className="embed-overlay" role="status" aria-live="polite">
          {state === 'connecting' && (
            <>
              <div className="embed-spinner" aria-hidden />
              <span>Connecting…</span>
            </>
          )}
          {state === 'offline' && (
            <>
              <strong>Stream offline</strong>
              <span>It starts playing here as soon as it goes live.</span>
            </>
          )}
          {state === 'ended' && (
            <>
              <strong>Stream ended</strong>
              <span>Thanks for watching. If it starts again, it plays here by itself.</span>
            </>
          )}
          {state === 'error' && (
            <>
              <strong>This stream cannot be played</strong>
              <span>{problem}</span>
            </>
          )}
        </div>
      )}
    </div>
  );
}
