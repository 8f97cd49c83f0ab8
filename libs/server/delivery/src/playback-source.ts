import type { BlockingRequest, ByteChunks } from '@rapidrtmp/hls';

/** What a playback request gets: the body, or why not (status and a short detail for the response). */
export type PlaybackAnswer<T> = { ok: true; body: T } | { ok: false; status: 400 | 404 | 502 | 503; detail: string };

/**
 * Where one stream instance's HLS comes from (`/live/<playbackId>/<instance>/…`), whatever serves it: the local packager (live window in memory,
 * older segments from the archive) or the owning node (an edge pulling from its origin). The HTTP routes
 * know only this interface; tokens, headers, ranges and metrics stay in the routes.
 */
export interface PlaybackSource {
  /** Playback needs a signed token (the stream key's setting). */
  readonly signedPlayback: boolean;
  /** The multivariant playlist, once the first segment exists. */
  multivariant(): Promise<PlaybackAnswer<string>>;
  /**
   * The media playlist; with a blocking request, once that segment or part exists; as a Playlist Delta
   * Update (`_HLS_skip`) when `delta` is set and the window is long enough to skip something.
   */
  mediaPlaylist(request: BlockingRequest | undefined, delta?: boolean): Promise<PlaybackAnswer<string>>;
  /**
   * An init segment, segment or part (a hinted part is awaited unless `hold` is false: then 503 at once), as
   * buffers to send in order.
   */
  resource(name: string, options?: { hold?: boolean }): Promise<PlaybackAnswer<ByteChunks>>;
  /** Counts a viewer of this node. */
  touchViewer(client: string): void;
}

export const notFound = { ok: false, status: 404, detail: 'not found' } as const;
