import type { InitTrack } from '@rapidrtmp/fmp4';

/** An initialization segment (`init-<index>.mp4`, the EXT-X-MAP of the segments that follow it). */
export interface InitSegmentRecord {
  index: number;
  name: string;
  data: Buffer;
  tracks: InitTrack[];
}

/** One LL-HLS partial segment: a CMAF chunk (moof + mdat) holding every track. */
export interface PartRecord {
  msn: number;
  index: number;
  name: string;
  /** Seconds. */
  duration: number;
  /** Starts with a sync sample of the driving track (RFC 8216bis 4.4.4.9 INDEPENDENT=YES). */
  independent: boolean;
  /**
   * The chunk bytes (moof + mdat) in order: the headers, then the samples as views of the buffers they
   * arrived in (see part-chunks.ts). A segment is its parts' chunks, served and stored without a copy.
   */
  chunks: ByteChunks;
  byteLength: number;
  /** Its bytes can be read back from storage (SegmentWindow.markStored): memory may let them go. */
  stored?: boolean;
}

/**
 * Bytes to send as they are, in order (writev, or a Readable over them): a segment is its parts' buffers,
 * never concatenated into a second copy.
 */
export type ByteChunks = readonly Buffer[];

/** A complete media segment: its parts in order, never re-muxed or copied. */
export interface SegmentRecord {
  msn: number;
  name: string;
  /** Seconds (EXTINF). */
  duration: number;
  /** Preceded by EXT-X-DISCONTINUITY (new init, republish or timestamp jump). */
  discontinuity: boolean;
  initIndex: number;
  /** Wall clock of the first sample, ms since the epoch (EXT-X-PROGRAM-DATE-TIME). */
  programDateTime: number;
  parts: PartRecord[];
  /** The parts' buffers in order: the segment's bytes. */
  chunks: ByteChunks;
  byteLength: number;
  /**
   * How many of its parts, from the first, left memory (SegmentWindow.releaseStoredParts; all of them once it is
   * fully released). Listed still; once any part left, the segment is served as a whole from wherever it was
   * stored, and so are those parts (byte ranges of it); the rest are still in memory.
   */
  releasedParts?: number;
}

/** The segment being built: listed in an LL-HLS playlist through its parts only. */
export interface OpenSegment {
  msn: number;
  initIndex: number;
  discontinuity: boolean;
  programDateTime: number;
  parts: PartRecord[];
  /** Its first parts that were stored one by one and left memory (see SegmentRecord.releasedParts). */
  releasedParts?: number;
}

export type DiscontinuityReason = 'config-change' | 'republish' | 'timestamp-jump' | 'video-stalled';

/** What the packager tells the server, synchronously, as it happens. */
export type PackagerEvent =
  | { type: 'init'; init: InitSegmentRecord }
  | { type: 'part'; part: PartRecord }
  | { type: 'segment'; segment: SegmentRecord }
  | { type: 'segment-evicted'; segment: SegmentRecord }
  | { type: 'init-evicted'; init: InitSegmentRecord }
  | { type: 'discontinuity'; reason: DiscontinuityReason }
  | { type: 'target-duration-raised'; previous: number; targetDuration: number; segment: SegmentRecord }
  | { type: 'ended' };

export type PackagerListener = (event: PackagerEvent) => void;

/** A blocking playlist request (RFC 8216bis 6.2.5.2): `_HLS_msn`, optionally `_HLS_part`. */
export interface BlockingRequest {
  msn: number;
  part?: number;
}

/**
 * Where a live playlist stands, so another packager (the same stream republished on another node) can
 * continue it: the same URLs, the media sequence and the discontinuity sequence carrying on after one
 * EXT-X-DISCONTINUITY.
 */
export interface PlaylistContinuation {
  /** The msn the next segment gets: one past every segment (and partial segment) already listed. */
  nextMsn: number;
  /** Discontinuities up to and including the last listed segment (the continuing playlist's sequence). */
  discontinuities: number;
  /** The index the next init segment gets (`init-<index>.mp4` names are never reused). */
  nextInitIndex: number;
  /** Wall clock (ms) at which the last segment ended, so program date-times never overlap. */
  wallClockEnd?: number;
}
