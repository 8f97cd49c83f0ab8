// The sliding window of what a live stream currently serves: init segments, complete segments, the open
// segment's parts; lookups by name for the HTTP layer and the pure half of blocking reloads.
import { releaseAllMedia } from '@rapidrtmp/media-core';
import { advancePartLimit } from './delivery-directives.js';
import type { PartChunks } from './part-chunks.js';
import { initName, parseResourceName, partName, segmentName } from './resource-names.js';
import { initialTargetDuration, roundedExtinf } from './target-duration.js';
import type {
  PlaylistContinuation,
  BlockingRequest,
  ByteChunks,
  InitSegmentRecord,
  OpenSegment,
  PackagerListener,
  PartRecord,
  SegmentRecord,
} from './types.js';

export interface SegmentWindowOptions {
  segmentSeconds: number;
  partSeconds: number;
  /** Complete segments kept (and listed); older ones are evicted. */
  windowSegments: number;
  listener?: PackagerListener;
}

export type BlockingDecision = 'ready' | 'wait' | 'bad-request';
export type PartAvailability = 'available' | 'pending' | 'not-found';

/** Position of a part in the stream, comparable lexicographically. */
interface PartPosition {
  msn: number;
  index: number;
}

const isAtOrAfter = (a: PartPosition, msn: number, index: number): boolean =>
  a.msn > msn || (a.msn === msn && a.index >= index);

/**
 * The window lets go of the bytes of a segment's parts [from, to): each gives back its references to pooled
 * media slabs (taken in partChunks) once, and the record no longer points at them. An HTTP response or a
 * write still sending them holds references of its own.
 */
function dropPartBytes(segment: SegmentRecord | OpenSegment, from: number, to: number): void {
  for (let index = from; index < to; index++) {
    const part = segment.parts[index];
    if (!part) continue;
    releaseAllMedia(part.chunks);
    part.chunks = [];
  }
  if ('chunks' in segment) segment.chunks = [];
}

const dropBytes = (segment: SegmentRecord): void => dropPartBytes(segment, 0, segment.parts.length);

export class SegmentWindow {
  /** Fixed once the first segment completes (see target-duration.ts); undefined until then. */
  targetDuration: number | undefined;
  readonly partTarget: number;
  /** EXT-X-MEDIA-SEQUENCE: msn of the oldest listed segment. */
  mediaSequence = 0;
  /** EXT-X-DISCONTINUITY-SEQUENCE: discontinuities evicted so far. */
  discontinuitySequence = 0;
  /** Counts every change a playlist shows, so a rendered playlist is reused until the next one. */
  revision = 0;
  private endedFlag = false;
  private discontinuityPendingFlag = false;
  readonly segments: SegmentRecord[] = [];
  open: OpenSegment | undefined;

  private readonly inits = new Map<number, InitSegmentRecord>();
  private nextMsn = 0;
  private lastPart: PartPosition | undefined;

  constructor(private readonly options: SegmentWindowOptions) {
    this.partTarget = options.partSeconds;
  }

  get ended(): boolean {
    return this.endedFlag;
  }

  /** A discontinuity is known to come before the next part: no preload hint until it is produced. */
  get discontinuityPending(): boolean {
    return this.discontinuityPendingFlag;
  }

  set discontinuityPending(pending: boolean) {
    if (pending !== this.discontinuityPendingFlag) this.revision++;
    this.discontinuityPendingFlag = pending;
  }

  /** Picks up where another window stopped: the next segment gets `nextMsn` after a discontinuity. */
  resumeFrom(continuation: Pick<PlaylistContinuation, 'nextMsn' | 'discontinuities'>): void {
    this.nextMsn = continuation.nextMsn;
    this.mediaSequence = continuation.nextMsn;
    this.discontinuitySequence = continuation.discontinuities;
    this.discontinuityPending = true;
    this.revision++;
  }

  /** The msn the next segment gets (one past the open segment, whose parts may already be listed). */
  get nextSegmentMsn(): number {
    return this.open ? this.open.msn + 1 : this.nextMsn;
  }

  /** Discontinuities before and within the listed segments (what a continuing playlist starts from). */
  get discontinuitiesSoFar(): number {
    let count = this.discontinuitySequence;
    for (const segment of this.segments) if (segment.discontinuity) count++;
    if (this.open?.discontinuity) count++;
    return count;
  }

  /** The playlist can be published: a first segment exists and fixed the target duration. */
  get ready(): boolean {
    return this.targetDuration !== undefined;
  }

  get lastSegment(): SegmentRecord | undefined {
    return this.segments[this.segments.length - 1];
  }

  addInit(index: number, data: Buffer, tracks: InitSegmentRecord['tracks']): InitSegmentRecord {
    const init: InitSegmentRecord = { index, name: initName(index), data, tracks };
    this.inits.set(index, init);
    this.revision++;
    this.options.listener?.({ type: 'init', init });
    return init;
  }

  openSegment(initIndex: number, discontinuity: boolean, programDateTime: number): OpenSegment {
    this.open = { msn: this.nextMsn++, initIndex, discontinuity, programDateTime, parts: [] };
    this.revision++;
    return this.open;
  }

  addPart({ chunks, byteLength }: PartChunks, duration: number, independent: boolean): PartRecord {
    const open = this.open;
    if (!open) throw new Error('addPart without an open segment');
    const index = open.parts.length;
    const name = partName(open.msn, index);
    const part: PartRecord = { msn: open.msn, index, name, duration, independent, chunks, byteLength };
    open.parts.push(part);
    this.revision++;
    this.lastPart = { msn: open.msn, index };
    this.discontinuityPending = false;
    this.options.listener?.({ type: 'part', part });
    return part;
  }

  /** Closes the open segment (if it has parts) with its EXTINF duration. */
  completeSegment(duration: number): SegmentRecord | undefined {
    const open = this.open;
    this.open = undefined;
    this.revision++;
    if (!open || open.parts.length === 0) return undefined;
    // No copy: the segment is served and stored as its parts' buffers (writev); once some of them left
    // memory (stored one by one), it is served from storage.
    const chunks = open.releasedParts ? [] : open.parts.flatMap((part) => part.chunks);
    let byteLength = 0;
    for (const part of open.parts) byteLength += part.byteLength;
    const segment: SegmentRecord = { ...open, name: segmentName(open.msn), duration, chunks, byteLength };
    this.segments.push(segment);
    this.applyTargetDuration(segment);
    this.evict();
    // Emitted last, so a playlist rendered from the listener already shows the final window.
    this.options.listener?.({ type: 'segment', segment });
    return segment;
  }

  end(): void {
    this.endedFlag = true;
    this.revision++;
  }

  private applyTargetDuration(segment: SegmentRecord): void {
    if (this.targetDuration === undefined) {
      this.targetDuration = initialTargetDuration(this.options.segmentSeconds, segment.duration);
      return;
    }
    const rounded = roundedExtinf(segment.duration);
    if (rounded > this.targetDuration) {
      const previous = this.targetDuration;
      this.targetDuration = rounded;
      this.options.listener?.({ type: 'target-duration-raised', previous, targetDuration: rounded, segment });
    }
  }

  /**
   * Drops the oldest segments beyond `windowSegments`, but never below three target durations of
   * listed media (RFC 8216bis 6.2.2). Inits no segment needs any more go with them.
   */
  private evict(): void {
    const minimum = 3 * (this.targetDuration ?? 0);
    let total = 0;
    for (const s of this.segments) total += s.duration;
    while (this.segments.length > this.options.windowSegments) {
      const evicted = this.segments[0];
      if (!evicted || total - evicted.duration < minimum) break;
      this.segments.shift();
      dropBytes(evicted);
      total -= evicted.duration;
      this.mediaSequence = evicted.msn + 1;
      // 6.2.2: removing an EXT-X-DISCONTINUITY tag increments EXT-X-DISCONTINUITY-SEQUENCE.
      if (evicted.discontinuity) this.discontinuitySequence++;
      this.options.listener?.({ type: 'segment-evicted', segment: evicted });
    }
    const inUse = new Set(this.segments.map((s) => s.initIndex));
    if (this.open) inUse.add(this.open.initIndex);
    const newest = Math.max(...this.inits.keys());
    for (const [index, init] of this.inits) {
      if (!inUse.has(index) && index !== newest) {
        this.inits.delete(index);
        this.options.listener?.({ type: 'init-evicted', init });
      }
    }
  }

  getInit(index: number): Buffer | undefined {
    return this.inits.get(index)?.data;
  }

  getSegment(msn: number): ByteChunks | undefined {
    const segment = this.findSegment(msn);
    return segment && (segment.releasedParts ?? 0) > 0 ? undefined : segment?.chunks;
  }

  getPart(msn: number, index: number): ByteChunks | undefined {
    const holder = this.open?.msn === msn ? this.open : this.findSegment(msn);
    return holder && index < (holder.releasedParts ?? 0) ? undefined : holder?.parts[index]?.chunks;
  }

  /**
   * Notes that parts can be read back from storage: part `index` of segment `msn` (the open segment's parts are
   * stored one by one), or every part of it when `index` is omitted (a whole segment was stored).
   */
  markStored(msn: number, index?: number): void {
    const segment = this.open?.msn === msn ? this.open : this.findSegment(msn);
    if (!segment) return;
    if (index === undefined) for (const part of segment.parts) part.stored = true;
    else if (segment.parts[index]) segment.parts[index].stored = true;
  }

  /**
   * Lets go of the bytes of stored parts older than the newest `keepParts` (complete segments' and the open
   * one's, oldest first; each segment's released parts stay a prefix): players at the live edge ask for the
   * newest parts, the rest are read back from storage (`releasedPartRange`). They stay listed. Returns how
   * many complete segments this call released the last part of.
   */
  releaseStoredParts(keepParts: number): number {
    let inMemory = 0;
    const holders: Array<SegmentRecord | OpenSegment> = [...this.segments];
    if (this.open) holders.push(this.open);
    for (const holder of holders) inMemory += holder.parts.length - (holder.releasedParts ?? 0);
    let releasable = inMemory - keepParts;
    let fullyReleased = 0;
    for (const holder of holders) {
      if (releasable <= 0) break;
      const from = holder.releasedParts ?? 0;
      let upTo = from;
      // An unstored part (its write still running, or failed) keeps itself and the rest of its segment.
      while (upTo < holder.parts.length && upTo - from < releasable && holder.parts[upTo]?.stored) upTo++;
      releasable -= holder.parts.length - from;
      if (upTo === from) continue;
      holder.releasedParts = upTo;
      dropPartBytes(holder, from, upTo);
      if (holder !== this.open && upTo === holder.parts.length) fullyReleased++;
    }
    return fullyReleased;
  }

  /** Whether every part of a listed segment left memory. */
  fullyReleased(msn: number): boolean {
    const segment = this.findSegment(msn);
    return segment !== undefined && (segment.releasedParts ?? 0) >= segment.parts.length;
  }

  /**
   * Where a listed part that left memory (`releaseStoredParts`) lies within its segment's stored bytes: a
   * segment is its parts in order, so the part is read back as a byte range of it. `complete` is false for
   * the open segment, whose stored bytes are still growing (read the range, not the whole).
   */
  releasedPartRange(
    msn: number,
    index: number,
  ): { segment: string; start: number; end: number; complete: boolean } | undefined {
    const open = this.open?.msn === msn ? this.open : undefined;
    const holder = open ?? this.findSegment(msn);
    if (!holder || index < 0 || index >= (holder.releasedParts ?? 0)) return undefined;
    let start = 0;
    for (let i = 0; i < index; i++) start += holder.parts[i]?.byteLength ?? 0;
    const end = start + (holder.parts[index]?.byteLength ?? 0);
    return { segment: segmentName(msn), start, end, complete: !open };
  }

  hasPart(msn: number, index: number): boolean {
    return this.getPart(msn, index) !== undefined;
  }

  /** Bytes for a resource name (`init-0.mp4`, `seg-5.m4s`, `part-5.2.m4s`), if held. */
  resolve(name: string): ByteChunks | undefined {
    const parsed = parseResourceName(name);
    if (!parsed) return undefined;
    if (parsed.kind === 'segment') return this.getSegment(parsed.msn);
    if (parsed.kind === 'part') return this.getPart(parsed.msn, parsed.index);
    const init = this.getInit(parsed.index);
    return init && [init];
  }

  private findSegment(msn: number): SegmentRecord | undefined {
    const first = this.segments[0];
    if (!first) return undefined;
    const segment = this.segments[msn - first.msn];
    return segment?.msn === msn ? segment : undefined;
  }

  /** The next part to be produced (EXT-X-PRELOAD-HINT), unless the stream ended or a discontinuity is due. */
  preloadHint(): PartPosition | undefined {
    if (this.ended || this.discontinuityPending || !this.ready) return undefined;
    if (this.open) return { msn: this.open.msn, index: this.open.parts.length };
    return { msn: this.nextMsn, index: 0 };
  }

  /**
   * For a part request: `available` now; `pending` when it is the hinted next part (hold the request
   * until it is, RFC 8216bis 6.2.6); `not-found` otherwise (404; a hinted part the segmentation skipped
   * becomes not-found as soon as its segment closes).
   */
  partAvailability(msn: number, index: number): PartAvailability {
    if (this.hasPart(msn, index)) return 'available';
    const hint = this.preloadHint();
    return hint && hint.msn === msn && hint.index === index ? 'pending' : 'not-found';
  }

  /**
   * Pure half of a blocking playlist reload (RFC 8216bis 6.2.5.2). `ready`: answer with the playlist now
   * (also when the playlist has ENDLIST: directives are then ignored); `wait`: hold it and ask again on
   * the next part/segment/ended event (503 after ~3 target durations); `bad-request`: 400 at once, the
   * msn is more than two past the last segment or the part beyond the Advance Part Limit.
   */
  evaluateBlockingRequest(request: BlockingRequest): BlockingDecision {
    if (this.ended) return 'ready';
    const lastMsn = this.lastSegment?.msn ?? -1;
    if (request.msn > lastMsn + 2) return 'bad-request';
    if (request.part === undefined) return lastMsn >= request.msn ? 'ready' : 'wait';
    const last = this.lastPart;
    if (last && isAtOrAfter(last, request.msn, request.part)) return 'ready';
    if (this.partsAhead(request.msn, request.part) > advancePartLimit(this.partTarget)) return 'bad-request';
    return 'wait';
  }

  /** How many parts past the last published one a request points (whole segments counted at target). */
  private partsAhead(msn: number, index: number): number {
    const last = this.lastPart ?? { msn: this.nextMsn, index: -1 };
    if (msn === last.msn) return index - last.index;
    const perSegment = Math.ceil((this.targetDuration ?? this.options.segmentSeconds) / this.partTarget);
    const lastStillOpen = this.open?.msn === last.msn;
    const leftInLast = lastStillOpen ? Math.max(perSegment - 1 - last.index, 0) : 0;
    return leftInLast + (msn - last.msn - 1) * perSegment + index + 1;
  }

  /** Peak and average segment bit rates over the window (RFC 8216bis 4.4.6.2 BANDWIDTH/AVERAGE-BANDWIDTH). */
  bandwidth(): { peak: number; average: number } | undefined {
    if (this.segments.length === 0) return undefined;
    let peak = 0;
    let bits = 0;
    let seconds = 0;
    for (const s of this.segments) {
      const rate = (s.byteLength * 8) / Math.max(s.duration, 0.001);
      if (rate > peak) peak = rate;
      bits += s.byteLength * 8;
      seconds += s.duration;
    }
    return { peak: Math.ceil(peak), average: Math.ceil(bits / Math.max(seconds, 0.001)) };
  }
}
