// The live media playlist (RFC 8216bis 4.4), with or without the Low-Latency HLS tags: the SegmentWindow as
// a playlist model (playlist/), written by the model's marshal.
//
// It is written on every playlist request, blocking reloads included, so its cost must not grow with the
// window: a complete segment never changes, so its model (one per way of listing it) is built once, frozen,
// and its text written once (the marshal cache). A render is the header, cached text, and the open
// segment, which is rebuilt only when it gains a part. The caches belong to one LivePlaylistWriter per
// window and are pruned as segments leave it (plain Maps: no per-segment weak references for the GC).
import { initName, partName } from './resource-names.js';
import { marshalMediaPlaylist, type MediaPlaylist } from './playlist/media-playlist.js';
import type { MediaPart } from './playlist/media-part.js';
import type { MediaPartInf } from './playlist/media-part-inf.js';
import type { MediaPreloadHint } from './playlist/media-preload-hint.js';
import type { MediaSegment, PartialSegment } from './playlist/media-segment.js';
import type { MediaServerControl } from './playlist/media-server-control.js';
import type { OpenSegment, PartRecord, SegmentRecord } from './types.js';

export interface LivePlaylistOptions {
  /** Render EXT-X-PART, PART-INF, SERVER-CONTROL and PRELOAD-HINT (default true). */
  lowLatency?: boolean;
  /**
   * How many of the newest playlist entries list their parts, the in-progress segment included when it
   * has parts (default 3). RFC 8216bis 6.2.2: EXT-X-PART tags SHOULD go once more than three target
   * durations from the end of the playlist; counting the open segment keeps them within that.
   */
  partSegments?: number;
  /**
   * A Playlist Delta Update (`_HLS_skip=YES`, RFC 8216bis 6.2.5.1): the oldest segments, those wholly before
   * the Skip Boundary, become one EXT-X-SKIP. Only with `lowLatency`, where CAN-SKIP-UNTIL is advertised.
   */
  skip?: boolean;
}

/** What the renderer reads; SegmentWindow provides it. */
export interface LivePlaylistSource {
  readonly targetDuration: number | undefined;
  readonly partTarget: number;
  readonly mediaSequence: number;
  readonly discontinuitySequence: number;
  readonly ended: boolean;
  /** The publisher is gone and the next segment, if one comes, starts after a discontinuity. */
  readonly discontinuityPending?: boolean;
  readonly segments: readonly SegmentRecord[];
  readonly open: OpenSegment | undefined;
  preloadHint(): { msn: number; index: number } | undefined;
}

/** PART-HOLD-BACK: at least 2, recommended 3 part targets (4.4.3.8). */
const PART_HOLD_BACK_PARTS = 3;
const MIN_PART_HOLD_BACK_PARTS = 2;

export interface LivePlaylistWriterOptions {
  /** PART-HOLD-BACK in part targets (default 3; at least 2). LL-HLS players aim to play this far behind. */
  partHoldBackParts?: number | undefined;
}
/** HOLD-BACK: at least 3 target durations (4.4.3.8). */
const HOLD_BACK_TARGETS = 3;
/**
 * CAN-SKIP-UNTIL, in target durations: the smallest Skip Boundary allowed (4.4.3.8). A client may ask for a
 * delta only while its copy is younger than half of it, so a larger one would only skip less.
 */
const SKIP_BOUNDARY_TARGETS = 6;
/** EXT-X-SKIP needs 9; LL-HLS players and validators expect 9 with parts too. */
const LOW_LATENCY_VERSION = 9;
/** EXT-X-MAP outside an I-frames-only playlist needs version 6 (RFC 8216 7). */
const PLAIN_VERSION = 6;

/** A segment's models, built on first use: index 0 plain, 1 with its EXT-X-MAP, 2 with its parts, 3 both. */
type SegmentModels = Array<MediaSegment | undefined>;

interface OpenModel {
  segment: OpenSegment;
  parts: number;
  withMap: boolean;
  model: PartialSegment;
  /** `model.parts`, kept typed as present. */
  partModels: readonly MediaPart[];
}

interface HeaderModels {
  target: number;
  partTarget: number;
  serverControl: MediaServerControl;
  partInf: MediaPartInf;
}

function partModel(record: PartRecord): MediaPart {
  const part: MediaPart = { duration: record.duration, uri: record.name };
  if (record.independent) part.independent = true;
  return Object.freeze(part);
}

/** The tags ahead of a segment (discontinuity, a new map, its wall clock), then its parts if listed. */
function segmentTags(segment: OpenSegment, withMap: boolean, parts: readonly MediaPart[] | undefined): PartialSegment {
  const tags: PartialSegment = {};
  if (segment.discontinuity) tags.discontinuity = true;
  if (withMap) tags.map = Object.freeze({ uri: initName(segment.initIndex) });
  tags.programDateTime = segment.programDateTime;
  if (parts) tags.parts = Object.freeze(parts) as MediaPart[];
  return tags;
}

/**
 * How many of the oldest segments a delta update leaves out: those that end at least `boundary` seconds
 * before the last complete segment does (6.2.5.1), and none from the first discontinuity on, so that a
 * client counts discontinuities in the listed segments as it did in the full playlist.
 */
export function skippableSegments(segments: readonly SegmentRecord[], boundary: number): number {
  // Walk back from the newest until the listed segments cover the boundary.
  let listedFrom = segments.length;
  for (let covered = 0; listedFrom > 0 && covered < boundary;) covered += segments[--listedFrom]?.duration ?? 0;
  const discontinuity = segments.findIndex((segment) => segment.discontinuity);
  return discontinuity === -1 ? listedFrom : Math.min(listedFrom, discontinuity);
}

/** Writes the live playlist of one window; keep one per window for as long as the window lives. */
export class LivePlaylistWriter {
  /** Text of the frozen models below, dropped with them. */
  private readonly text = new Map<object, string>();
  private readonly segmentModels = new Map<SegmentRecord, SegmentModels>();
  private open: OpenModel | undefined;
  private header: HeaderModels | undefined;
  private hint: { msn: number; index: number; model: MediaPreloadHint } | undefined;

  private readonly partHoldBackParts: number;

  constructor(
    private readonly source: LivePlaylistSource,
    options: LivePlaylistWriterOptions = {},
  ) {
    const parts = options.partHoldBackParts ?? PART_HOLD_BACK_PARTS;
    if (!(parts >= MIN_PART_HOLD_BACK_PARTS))
      throw new RangeError(`PART-HOLD-BACK of ${parts} part targets: at least 2`);
    this.partHoldBackParts = parts;
  }

  /** The playlist as a model. Its segment objects are shared between calls and frozen. */
  model(options: LivePlaylistOptions = {}): MediaPlaylist {
    const source = this.source;
    const lowLatency = options.lowLatency ?? true;
    const partSegments = options.partSegments ?? 3;
    const target = source.targetDuration;
    if (target === undefined) throw new Error('live playlist before the first segment: check SegmentWindow.ready');

    const playlist: MediaPlaylist = {
      version: lowLatency ? LOW_LATENCY_VERSION : PLAIN_VERSION,
      targetDuration: target,
      mediaSequence: source.mediaSequence,
      discontinuitySequence: source.discontinuitySequence,
      independentSegments: true,
      segments: new Array<MediaSegment>(source.segments.length),
    };
    if (source.ended) playlist.endList = true;
    if (lowLatency) {
      const header = this.headerModels(target);
      playlist.serverControl = header.serverControl;
      playlist.partInf = header.partInf;
    }

    const open = lowLatency && source.open && source.open.parts.length > 0 ? source.open : undefined;
    const hint = lowLatency ? source.preloadHint() : undefined;
    // The in-progress segment's parts and/or the hinted part form the newest playlist entry.
    // While a dropped publisher may come back, no parts are listed: an LL-HLS player (hls.js) models the
    // next segment from a playlist that lists parts, with the discontinuity count it has so far, and then
    // rejects the playlist whose next segment starts after EXT-X-DISCONTINUITY ("discontinuity sequence
    // mismatch"). Without parts it makes no such guess; parts return with the next segment.
    const awaitingRepublish = source.discontinuityPending === true && !open && !source.ended;
    const firstWithParts = awaitingRepublish
      ? Infinity
      : source.segments.length - partSegments + (open || hint ? 1 : 0);
    const skipped = lowLatency && options.skip ? skippableSegments(source.segments, SKIP_BOUNDARY_TARGETS * target) : 0;
    if (skipped > 0) {
      playlist.skip = { skippedSegments: skipped };
      playlist.segments.length = source.segments.length - skipped;
    }
    // The first listed segment carries its EXT-X-MAP even when a skipped one did: the delta must stand alone.
    let previousInit: number | undefined;
    for (const [i, segment] of source.segments.entries()) {
      if (i < skipped) continue;
      const withMap = segment.initIndex !== previousInit;
      playlist.segments[i - skipped] = this.segmentModel(segment, withMap, lowLatency && i >= firstWithParts);
      previousInit = segment.initIndex;
    }
    if (open) playlist.partialSegment = this.openModel(open, open.initIndex !== previousInit);
    if (hint) playlist.preloadHints = [this.hintModel(hint)];
    this.prune();
    return playlist;
  }

  render(options: LivePlaylistOptions = {}): string {
    return marshalMediaPlaylist(this.model(options), { cache: this.text });
  }

  /** Model objects whose text is held (it stays proportional to the window). */
  get cachedTexts(): number {
    return this.text.size;
  }

  private segmentModel(record: SegmentRecord, withMap: boolean, withParts: boolean): MediaSegment {
    let models = this.segmentModels.get(record);
    if (!models) this.segmentModels.set(record, (models = []));
    const variant = (withMap ? 1 : 0) + (withParts ? 2 : 0);
    let model = models[variant];
    if (!model) {
      // Parts are shared by the variants that list them, and with the open segment's last model.
      const parts = withParts ? (models[variant ^ 1]?.parts ?? this.partsOf(record)) : undefined;
      model = Object.freeze<MediaSegment>({
        ...segmentTags(record, withMap, parts),
        duration: record.duration,
        uri: record.name,
      });
      models[variant] = model;
    }
    return model;
  }

  /** The open segment's part models, when the segment just completed from it (else built). */
  private partsOf(record: SegmentRecord): readonly MediaPart[] {
    const open = this.open;
    const reuse = open && open.segment.msn === record.msn && open.parts === record.parts.length;
    return reuse ? open.partModels : record.parts.map(partModel);
  }

  private openModel(segment: OpenSegment, withMap: boolean): PartialSegment {
    const last = this.open;
    if (last && last.segment === segment && last.parts === segment.parts.length && last.withMap === withMap)
      return last.model;
    // Parts already modelled are kept; only the new ones are built.
    const previous = last?.segment === segment ? last.partModels : [];
    const parts = previous.concat(segment.parts.slice(previous.length).map(partModel));
    if (last) this.text.delete(last.model);
    const model = Object.freeze(segmentTags(segment, withMap, parts));
    this.open = { segment, parts: segment.parts.length, withMap, model, partModels: parts };
    return model;
  }

  private headerModels(target: number): HeaderModels {
    const partTarget = this.source.partTarget;
    const last = this.header;
    if (last && last.target === target && last.partTarget === partTarget) return last;
    if (last) {
      this.text.delete(last.serverControl);
      this.text.delete(last.partInf);
    }
    this.header = {
      target,
      partTarget,
      serverControl: Object.freeze({
        canBlockReload: true,
        canSkipUntil: SKIP_BOUNDARY_TARGETS * target,
        partHoldBack: this.partHoldBackParts * partTarget,
        holdBack: HOLD_BACK_TARGETS * target,
      }),
      partInf: Object.freeze({ partTarget }),
    };
    return this.header;
  }

  private hintModel(next: { msn: number; index: number }): MediaPreloadHint {
    if (this.hint?.msn !== next.msn || this.hint.index !== next.index) {
      const model = Object.freeze<MediaPreloadHint>({ type: 'PART', uri: partName(next.msn, next.index) });
      this.hint = { msn: next.msn, index: next.index, model };
    }
    return this.hint.model;
  }

  /** Drops what belongs to segments no longer in the window. */
  private prune(): void {
    const segments = this.source.segments;
    if (this.segmentModels.size <= segments.length) return;
    const first = segments[0]?.msn ?? Infinity;
    for (const [record, models] of this.segmentModels) {
      if (segments[record.msn - first] === record) continue;
      this.segmentModels.delete(record);
      for (const model of models) if (model) this.text.delete(model);
    }
  }
}

const writers = new WeakMap<LivePlaylistSource, LivePlaylistWriter>();

/** The writer of `source`'s playlist, made on first use (for callers that do not keep one). */
export function livePlaylistWriter(source: LivePlaylistSource): LivePlaylistWriter {
  let writer = writers.get(source);
  if (!writer) writers.set(source, (writer = new LivePlaylistWriter(source)));
  return writer;
}

export function livePlaylist(source: LivePlaylistSource, options?: LivePlaylistOptions): MediaPlaylist {
  return livePlaylistWriter(source).model(options);
}

export function renderLivePlaylist(source: LivePlaylistSource, options?: LivePlaylistOptions): string {
  return livePlaylistWriter(source).render(options);
}
