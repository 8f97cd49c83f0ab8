import type { EndReason } from './end-reason.js';

/**
 * Whoever feeds a live stream (an RTMP connection today; RTMPS or a relay later). Stopping a stream is
 * a call on its publisher: the publisher disconnects and reports the ending to the ingest side.
 */
export interface Publisher {
  close(reason: EndReason, stoppedBy: string | null): void;
}
