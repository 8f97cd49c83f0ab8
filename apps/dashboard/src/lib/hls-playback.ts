import type Hls from 'hls.js';

/** What a player reports while it plays a live HLS stream. */
export type PlaybackEvent =
  | { type: 'playing' }
  /** The media playlist carries EXT-X-PART, so hls.js runs in low-latency mode. */
  | { type: 'low-latency' }
  /** EXT-X-ENDLIST arrived: the stream is over, what is buffered still plays. */
  | { type: 'endlist' }
  /** Playback reached the end of an ended stream. */
  | { type: 'ended' }
  /** The playlist is not there (stream offline, or gone after it ended). */
  | { type: 'offline'; status?: number }
  | { type: 'error'; message: string };

export interface PlaybackOptions {
  /** Small muted thumbnails: little buffer, no back buffer. */
  preview?: boolean;
}

export interface Playback {
  destroy(): void;
}

/** Safari plays HLS (and LL-HLS) natively and better than MSE there; elsewhere hls.js does. */
function prefersNativeHls(video: HTMLVideoElement, hlsSupported: boolean): boolean {
  const native = video.canPlayType('application/vnd.apple.mpegurl') !== '';
  const safari = /^((?!chrome|android|crios|fxios|edg).)*safari/i.test(navigator.userAgent);
  return native && (safari || !hlsSupported);
}

/**
 * Plays `src` (a multivariant playlist URL, `?token=` included for signed playback) in `video`, muted,
 * and reports what happens. hls.js is loaded on demand so pages without video do not carry it.
 */
export async function startPlayback(
  video: HTMLVideoElement,
  src: string,
  onEvent: (event: PlaybackEvent) => void,
  options: PlaybackOptions = {},
): Promise<Playback> {
  const { default: HlsClass } = await import('hls.js');
  const listeners: Array<[string, EventListener]> = [
    ['playing', () => onEvent({ type: 'playing' })],
    ['ended', () => onEvent({ type: 'ended' })],
  ];
  video.muted = true;
  for (const [name, listener] of listeners) video.addEventListener(name, listener);
  const removeListeners = () => {
    for (const [name, listener] of listeners) video.removeEventListener(name, listener);
  };
  const play = () => void video.play().catch(() => undefined);

  if (prefersNativeHls(video, HlsClass.isSupported())) {
    const onError = () => onEvent({ type: 'offline' });
    video.addEventListener('error', onError);
    video.src = src;
    play();
    return {
      destroy() {
        removeListeners();
        video.removeEventListener('error', onError);
        video.removeAttribute('src');
        video.load();
      },
    };
  }
  if (!HlsClass.isSupported()) {
    onEvent({ type: 'error', message: 'This browser cannot play HLS video.' });
    return { destroy: removeListeners };
  }

  const hls: Hls = new HlsClass({
    // hls.js only uses its low-latency path (parts, blocking reloads) when the playlist has EXT-X-PART.
    lowLatencyMode: true,
    // hls.js never catches up by default (rate 1): a viewer who joins on a keyframe 2 s back or stalls once
    // stays that far behind. 1.5x until the playlist's hold-back is reached: 2.96 s -> 1.56 s median
    // latency at 0.5 s parts, 1.21 s at the default 0.25 s (bench/src/hlsjs-latency.bench.ts).
    maxLiveSyncPlaybackRate: 1.5,
    liveDurationInfinity: true,
    // The server sends fMP4 only: hls.js passes it through with no transmuxing, so its Web Worker buys
    // nothing, and starting it (the library parsed again in the worker) cost ~0.35 s of the first frame on a
    // 2-core machine (standard mode 593 -> 401 ms; bench/src/hlsjs-latency.bench.ts, BENCH_PLAYER_WORKER=0).
    enableWorker: false,
    capLevelToPlayerSize: true,
    backBufferLength: options.preview ? 0 : 30,
    maxBufferLength: options.preview ? 4 : 30,
  });
  let endlist = false;
  let lowLatency = false;
  let recoveredMedia = false;
  let endWatch: ReturnType<typeof setInterval> | undefined;
  /**
   * After EXT-X-ENDLIST the buffered rest plays out. The 'ended' event does not always follow (a last
   * part shorter than the other track leaves a gap), so playback that stops moving counts as the end too.
   */
  const watchForEnd = () => {
    let last = video.currentTime;
    let still = 0;
    endWatch = setInterval(() => {
      still = video.currentTime === last ? still + 1 : 0;
      last = video.currentTime;
      if (video.ended || still >= 4) {
        clearInterval(endWatch);
        onEvent({ type: 'ended' });
      }
    }, 500);
  };
  const onDetails = (_event: string, data: { details: { live: boolean; partList: unknown[] | null } }) => {
    if (!lowLatency && (data.details.partList?.length ?? 0) > 0) {
      lowLatency = true;
      onEvent({ type: 'low-latency' });
    }
    if (!endlist && !data.details.live) {
      endlist = true;
      onEvent({ type: 'endlist' });
      watchForEnd();
    }
  };
  hls.on(HlsClass.Events.LEVEL_LOADED, onDetails);
  hls.on(HlsClass.Events.LEVEL_UPDATED, onDetails);
  hls.on(HlsClass.Events.MANIFEST_PARSED, play);
  hls.on(HlsClass.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && !recoveredMedia) {
      recoveredMedia = true;
      hls.recoverMediaError();
      return;
    }
    if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR) {
      onEvent(endlist ? { type: 'ended' } : { type: 'offline', status: data.response?.code });
      return;
    }
    onEvent({ type: 'error', message: data.details });
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return {
    destroy() {
      clearInterval(endWatch);
      removeListeners();
      hls.destroy();
    },
  };
}

/** The media playlist a multivariant playlist points at (changes when a new publish starts). */
export function mediaPlaylistUri(multivariant: string): string | undefined {
  return multivariant
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Plays a recording (a VOD playlist with EXT-X-ENDLIST): seekable, no low-latency mode, no autoplay.
 * `onError` is called when it cannot be played at all.
 */
export async function startVodPlayback(
  video: HTMLVideoElement,
  src: string,
  onError: (message: string) => void,
): Promise<Playback> {
  const { default: HlsClass } = await import('hls.js');
  if (prefersNativeHls(video, HlsClass.isSupported())) {
    const onVideoError = () => onError('media');
    video.addEventListener('error', onVideoError);
    video.src = src;
    return {
      destroy() {
        video.removeEventListener('error', onVideoError);
        video.removeAttribute('src');
        video.load();
      },
    };
  }
  if (!HlsClass.isSupported()) {
    onError('This browser cannot play HLS video.');
    return { destroy: () => undefined };
  }
  const hls: Hls = new HlsClass({ lowLatencyMode: false, capLevelToPlayerSize: true, backBufferLength: 30 });
  let recoveredMedia = false;
  hls.on(HlsClass.Events.ERROR, (_event, data) => {
    if (!data.fatal) return;
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && !recoveredMedia) {
      recoveredMedia = true;
      hls.recoverMediaError();
      return;
    }
    onError(data.details);
  });
  hls.loadSource(src);
  hls.attachMedia(video);
  return { destroy: () => hls.destroy() };
}
