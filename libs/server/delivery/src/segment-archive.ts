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
   * `onStored` runs once the segment can be read back (never, if it is not kept or the upload fails). `source`,
   * when given, is where the segment's bytes are to be had instead of `segment.chunks` (some of its parts left
   * memory and are on this node's disk): the segment is taken now, in order, and its bytes once they come.
   */
  storeSegment(
    sessionId: string,
    segment: SegmentRecord,
    initName: string,
    onStored?: () => void,
    source?: SpilledSegment,
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

/**
 * A complete segment some of whose parts already left memory for this node's disk (the spill), offered to an
 * archive that keeps segments (the recorder). The archive either adopts the file as it is (a local store on
 * the same filesystem: a hard link, no copy) or reads the bytes back, and calls `release` once it holds its own
 * references to what it keeps (or keeps nothing). The archive must release every source it is given, once: until
 * then the source holds the segment's media, and the session's next segments and the spill's shutdown wait.
 */
export interface SpilledSegment {
  /** The segment's file once it is whole on disk, never written again; undefined when it could not be written. */
  readonly file: Promise<string | undefined>;
  /** The segment's bytes read back (pooled slabs and the parts still in memory); undefined when lost. */
  read(): Promise<Buffer[] | undefined>;
  release(): void;
}
