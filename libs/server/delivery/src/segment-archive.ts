import type { SegmentRecord } from '@rapidrtmp/hls';
import type { LiveStream } from '@rapidrtmp/server-streams';

/**
 * Where finished init segments and segments go besides the live window: the recorder keeps them per
 * stream session (it registers with `HlsService.useArchive`). Calls are synchronous and must never block
 * or throw (write-behind).
 */
export interface SegmentArchive {
  /** A publish starts feeding a playlist; called before anything of its session is stored. */
  begin(stream: LiveStream): void;
  storeInit(sessionId: string, name: string, data: Buffer): void;
  /** `onStored` runs once the segment can be read back (never, if it is not kept or the upload fails). */
  storeSegment(sessionId: string, segment: SegmentRecord, initName: string, onStored?: () => void): void;
  /** A stored init or segment, for requests that arrive after it left the live window (DVR). */
  read(sessionId: string, name: string): Promise<Buffer | undefined>;
}
