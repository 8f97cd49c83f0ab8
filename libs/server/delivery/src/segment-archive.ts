import type { SegmentRecord } from '@rapidrtmp/hls';

/** Injection token of the optional SegmentArchive (the recorder provides it). */
export const SEGMENT_ARCHIVE = Symbol('SEGMENT_ARCHIVE');

/**
 * Where finished init segments and segments go besides the live window: the recorder keeps them per
 * stream session. Calls are synchronous and must never block or throw (write-behind).
 */
export interface SegmentArchive {
  storeInit(sessionId: string, name: string, data: Buffer): void;
  storeSegment(sessionId: string, segment: SegmentRecord, initName: string): void;
  /** A stored init or segment, for requests that arrive after it left the live window (DVR). */
  read(sessionId: string, name: string): Promise<Buffer | undefined>;
}
