import type { AudioConfig, MediaPacket, TrackKind, VideoConfig } from '@rapidrtmp/media-core';
import type { EndReason } from '@rapidrtmp/server-persistence';

/** What a LiveStream carries to its subscribers, in arrival order. */
export type StreamEvent =
  | { type: 'config'; track: TrackKind; config: VideoConfig | AudioConfig; changed: boolean }
  | { type: 'packet'; packet: MediaPacket }
  | { type: 'metadata'; metadata: Record<string, unknown> }
  | { type: 'end'; reason: EndReason };

export interface StreamSubscriber {
  /** For logs and metrics, e.g. `hls`, `recorder`. */
  readonly name: string;
  onEvent(event: StreamEvent): void;
}
