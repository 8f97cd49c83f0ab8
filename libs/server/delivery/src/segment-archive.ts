import type { PartRecord, SegmentRecord } from '@rapidrtmp/hls';
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
  /**
   * `onStored` runs once the segment can be read back (never, if it is not kept or the upload fails). `bytes`,
   * when given, are the segment's bytes to keep instead of `segment.chunks` (some of its parts left memory and
   * are read back from disk): the segment is taken now, in order, and its bytes once they come (undefined: lost).
   * Pooled slabs among them are held by the caller until that promise's later callbacks; the archive holds
   * what it keeps past its own callback.
   */
  storeSegment(
    sessionId: string,
    segment: SegmentRecord,
    initName: string,
    onStored?: () => void,
    bytes?: Promise<Buffer[] | undefined>,
  ): void;
  /** A stored init or segment, for requests that arrive after it left the live window (DVR). */
  read(sessionId: string, name: string): Promise<Buffer | undefined>;
  /**
   * Stores a part of the open segment `segmentName` as it is cut (parts in order; the segment's file is its
   * parts), so it can leave memory before its segment closes; `storeSegment` then completes the file.
   * `onStored` runs once `readRange` can read it back. False (not taken: it stays in memory until
   * `storeSegment`) when this session's store takes whole segments only (an object store) or is busy.
   */
  storePart?(sessionId: string, segmentName: string, part: PartRecord, onStored: () => void): boolean;
  /** Bytes [start, end) of a segment whose parts went through `storePart`, complete or not yet. */
  readRange?(sessionId: string, name: string, start: number, end: number): Promise<Buffer | undefined>;
}
