import type { AudioConfig, MediaPacket, TrackKind, VideoConfig } from '@rapidrtmp/media-core';
import type { EndReason } from '@rapidrtmp/server-persistence';

/** What a LiveStream carries to its subscribers, in arrival order. */
export type StreamEvent =
  | { type: 'config'; track: TrackKind; config: VideoConfig | AudioConfig; changed: boolean }
  | { type: 'packet'; packet: MediaPacket }
  | { type: 'metadata'; metadata: Record<string, unknown> }
  /**
   * `graceful`: the publisher unpublished on purpose or the server stopped it, so the stream is over;
   * otherwise the connection dropped and the same key may come back (HLS holds the playlist open).
   */
  | { type: 'end'; reason: EndReason; graceful: boolean };

export interface StreamSubscriber {
  /** For logs and metrics, e.g. `hls`, `recorder`. */
  readonly name: string;
  onEvent(event: StreamEvent): void;
}
