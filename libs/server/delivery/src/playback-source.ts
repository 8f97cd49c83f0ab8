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
  /** The multivariant playlist when it needs no waiting; undefined otherwise (ask `multivariant`). */
  multivariantNow?(): string | undefined;
  /** The media playlist when it needs no waiting (a 400 too); undefined otherwise (ask `mediaPlaylist`). */
  mediaPlaylistNow?(request: BlockingRequest | undefined, delta?: boolean): PlaybackAnswer<string> | undefined;
  /** An object in memory (the live window, an edge's cache); undefined otherwise (ask `resource`). */
  resourceNow?(name: string): ByteChunks | undefined;
}

export const notFound = { ok: false, status: 404, detail: 'not found' } as const;
