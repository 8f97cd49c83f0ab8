import type { AudioConfig, MediaPacket, TrackKind, VideoConfig } from '@rapidrtmp/media-core';
import type { StreamEnding } from '@rapidrtmp/server-domain';

/** What a LiveStream carries to its subscribers, in arrival order. */
export type StreamEvent =
  | { type: 'config'; track: TrackKind; config: VideoConfig | AudioConfig; changed: boolean }
  | { type: 'packet'; packet: MediaPacket }
  | { type: 'metadata'; metadata: Record<string, unknown> }
  /**
   * `ending.graceful`: the publisher unpublished on purpose or the server stopped it, so the stream is
   * over; otherwise the connection dropped and the same key may come back (HLS holds the playlist open).
   */
  | { type: 'end'; ending: StreamEnding };

export interface StreamSubscriber {
  /** For logs and metrics, e.g. `hls`, `recorder`. */
  readonly name: string;
  /**
   * What it does with packet payloads past `onEvent` (see MediaArena): `none`, it keeps none; `counted`,
   * it retains what it keeps and releases it when done. Unset: it may keep them uncounted, so their slabs
   * are pinned (never recycled).
   */
  readonly keepsMedia?: 'none' | 'counted';
  onEvent(event: StreamEvent): void;
}
