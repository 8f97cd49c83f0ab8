// The live media playlist (RFC 8216bis 4.4), with or without the Low-Latency HLS tags.
import { formatSeconds } from './target-duration.js';
import { initName, partName } from './resource-names.js';
import type { OpenSegment, PartRecord, SegmentRecord } from './types.js';

export interface MediaPlaylistOptions {
  /** Render EXT-X-PART, PART-INF, SERVER-CONTROL and PRELOAD-HINT (default true). */
  lowLatency?: boolean;
  /**
   * How many of the newest playlist entries list their parts, the in-progress segment included when it
   * has parts (default 3). RFC 8216bis 6.2.2: EXT-X-PART tags SHOULD go once more than three target
   * durations from the end of the playlist; counting the open segment keeps them within that.
   */
  partSegments?: number;
}

/** What the renderer reads; SegmentWindow provides it. */
export interface MediaPlaylistSource {
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
/** HOLD-BACK: at least 3 target durations (4.4.3.8). */
const HOLD_BACK_TARGETS = 3;
/** EXT-X-SKIP needs 9; nothing here does, but LL-HLS players and validators expect 9 with parts. */
const LOW_LATENCY_VERSION = 9;
/** EXT-X-MAP outside an I-frames-only playlist needs version 6 (RFC 8216 7). */
const PLAIN_VERSION = 6;

function partLines(parts: readonly PartRecord[], out: string[]): void {
  for (const part of parts) {
    const independent = part.independent ? ',INDEPENDENT=YES' : '';
    out.push(`#EXT-X-PART:DURATION=${formatSeconds(part.duration, 5)},URI="${part.name}"${independent}`);
  }
}

/** Tags that apply to the next segment: discontinuity, a new map, its wall clock. */
function segmentHeader(segment: OpenSegment, previousInit: number | undefined, out: string[]): void {
  if (segment.discontinuity) out.push('#EXT-X-DISCONTINUITY');
  if (segment.initIndex !== previousInit) out.push(`#EXT-X-MAP:URI="${initName(segment.initIndex)}"`);
  out.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(segment.programDateTime).toISOString()}`);
}

export function renderMediaPlaylist(source: MediaPlaylistSource, options: MediaPlaylistOptions = {}): string {
  const lowLatency = options.lowLatency ?? true;
  const partSegments = options.partSegments ?? 3;
  const target = source.targetDuration;
  if (target === undefined) throw new Error('renderMediaPlaylist before the first segment: check SegmentWindow.ready');

  const out = [
    '#EXTM3U',
    `#EXT-X-VERSION:${lowLatency ? LOW_LATENCY_VERSION : PLAIN_VERSION}`,
    `#EXT-X-TARGETDURATION:${target}`,
  ];
  if (lowLatency) {
    const partHoldBack = formatSeconds(PART_HOLD_BACK_PARTS * source.partTarget, 3);
    const holdBack = formatSeconds(HOLD_BACK_TARGETS * target, 3);
    out.push(`#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${partHoldBack},HOLD-BACK=${holdBack}`);
    out.push(`#EXT-X-PART-INF:PART-TARGET=${formatSeconds(source.partTarget, 3)}`);
  }
  out.push(`#EXT-X-MEDIA-SEQUENCE:${source.mediaSequence}`);
  out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${source.discontinuitySequence}`);
  out.push('#EXT-X-INDEPENDENT-SEGMENTS');

  let previousInit: number | undefined;
  const open = lowLatency && source.open && source.open.parts.length > 0 ? source.open : undefined;
  const hint = lowLatency ? source.preloadHint() : undefined;
  // The in-progress segment's parts and/or the hinted part form the newest playlist entry.
  // While a dropped publisher may come back, no parts are listed: an LL-HLS player (hls.js) models the
  // next segment from a playlist that lists parts, with the discontinuity count it has so far, and then
  // rejects the playlist whose next segment starts after EXT-X-DISCONTINUITY ("discontinuity sequence
  // mismatch"). Without parts it makes no such guess; parts return with the next segment.
  const awaitingRepublish = source.discontinuityPending === true && !open && !source.ended;
  const firstWithParts = awaitingRepublish ? Infinity : source.segments.length - partSegments + (open || hint ? 1 : 0);
  source.segments.forEach((segment, i) => {
    segmentHeader(segment, previousInit, out);
    previousInit = segment.initIndex;
    if (lowLatency && i >= firstWithParts) partLines(segment.parts, out);
    out.push(`#EXTINF:${formatSeconds(segment.duration, 5)},`, segment.name);
  });

  if (lowLatency) {
    if (open) {
      segmentHeader(open, previousInit, out);
      partLines(open.parts, out);
    }
    if (hint) out.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partName(hint.msn, hint.index)}"`);
  }
  if (source.ended) out.push('#EXT-X-ENDLIST');
  return `${out.join('\n')}\n`;
}
