// A Media Segment and the tags that apply to it (RFC 8216bis 4.4.4): EXTINF, EXT-X-BYTERANGE,
// EXT-X-DISCONTINUITY, EXT-X-MAP, EXT-X-PROGRAM-DATE-TIME, EXT-X-BITRATE, EXT-X-GAP and its EXT-X-PARTs.
//
// EXTINF precision and target-duration rounding live here, for every playlist: 4.4.3.1 says each EXTINF,
// rounded to the nearest integer, MUST be <= EXT-X-TARGETDURATION, and the rounding is applied to the value
// as printed, so "2.50000" counts as 3 even if the float was 2.4999996.
import { type TagLine, noValue, tagValue } from './lines.js';
import { duplicate, misplaced, PlaylistFormatError } from './playlist-error.js';
import { MAP_TAG, type MediaMap, marshalMediaMap, unmarshalMediaMap } from './media-map.js';
import { type MediaPart, marshalMediaPart, PART_TAG, unmarshalMediaPart } from './media-part.js';
import {
  type ByteRange,
  formatByteRange,
  formatDateTime,
  formatDecimal,
  readByteRange,
  readDateTime,
  readFloat,
  readInteger,
} from './values.js';

/** The tags in front of a segment's URI; on their own (no EXTINF yet), the segment being produced. */
export interface SegmentTags {
  /** EXT-X-DISCONTINUITY before this segment. */
  discontinuity?: boolean;
  /** EXT-X-MAP in front of this segment: the init section of it and of what follows, until the next one. */
  map?: MediaMap;
  /** EXT-X-PROGRAM-DATE-TIME, ms since the epoch. */
  programDateTime?: number;
  /** EXT-X-BITRATE, kbit/s. */
  bitrate?: number;
  /** EXT-X-GAP: the segment is missing; clients must not load it. */
  gap?: boolean;
  /** Its Partial Segments (LL-HLS lists them for the newest segments only). */
  parts?: MediaPart[];
}

/** A complete segment: its tags, EXTINF and URI. */
export interface MediaSegment extends SegmentTags {
  /** EXTINF duration, seconds. */
  duration: number;
  /** EXTINF title (after the comma). */
  title?: string;
  /** EXT-X-BYTERANGE: a sub-range of the URI's resource. */
  byteRange?: ByteRange;
  uri: string;
}

/** The segment being produced: its tags and the parts so far, without EXTINF and URI (LL-HLS). */
export type PartialSegment = SegmentTags;

export const EXTINF_TAG = '#EXTINF';
export const EXTINF_PLACES = 5;
const DISCONTINUITY_TAG = '#EXT-X-DISCONTINUITY';
const PROGRAM_DATE_TIME_TAG = '#EXT-X-PROGRAM-DATE-TIME';
const BITRATE_TAG = '#EXT-X-BITRATE';
const GAP_TAG = '#EXT-X-GAP';
const BYTERANGE_TAG = '#EXT-X-BYTERANGE';

/** The EXTINF duration as written. */
export function formatExtinf(seconds: number): string {
  return formatDecimal(seconds, EXTINF_PLACES);
}

/** The integer a client compares with EXT-X-TARGETDURATION: the printed EXTINF, rounded. */
export function roundedExtinf(seconds: number): number {
  return Math.round(Number(formatExtinf(seconds)));
}

/** The smallest valid EXT-X-TARGETDURATION for segments of these durations (at least 1). */
export function minimumTargetDuration(durations: Iterable<number>): number {
  let target = 1;
  for (const duration of durations) target = Math.max(target, roundedExtinf(duration));
  return target;
}

export function marshalSegmentTags(tags: SegmentTags): string {
  let text = '';
  if (tags.discontinuity) text += `${DISCONTINUITY_TAG}\n`;
  if (tags.map) text += marshalMediaMap(tags.map);
  if (tags.programDateTime !== undefined) text += `${PROGRAM_DATE_TIME_TAG}:${formatDateTime(tags.programDateTime)}\n`;
  if (tags.bitrate !== undefined) text += `${BITRATE_TAG}:${tags.bitrate}\n`;
  if (tags.gap) text += `${GAP_TAG}\n`;
  if (tags.parts) for (const part of tags.parts) text += marshalMediaPart(part);
  return text;
}

export function marshalMediaSegment(segment: MediaSegment): string {
  let text = `${marshalSegmentTags(segment)}${EXTINF_TAG}:${formatExtinf(segment.duration)},${segment.title ?? ''}\n`;
  if (segment.byteRange) text += `${BYTERANGE_TAG}:${formatByteRange(segment.byteRange)}\n`;
  return `${text}${segment.uri}\n`;
}

/** Collects the tags of one segment while a playlist is parsed. */
export class SegmentReader {
  private tags: SegmentTags = {};
  private extinf: { duration: number; title?: string; byteRange?: ByteRange } | undefined;
  private extinfLine = 0;
  private empty = true;

  /** Takes a tag if it is a segment tag; false for any other. */
  read(tag: TagLine, line: number): boolean {
    const name = tag.name;
    switch (name) {
      case DISCONTINUITY_TAG:
      case GAP_TAG: {
        noValue(tag, line);
        const key = name === GAP_TAG ? 'gap' : 'discontinuity';
        if (this.tags[key]) throw duplicate(name, line);
        this.tags[key] = true;
        break;
      }
      case MAP_TAG:
        if (this.tags.map) throw duplicate(name, line);
        this.tags.map = unmarshalMediaMap(tagValue(tag, line), line);
        break;
      case PROGRAM_DATE_TIME_TAG:
        if (this.tags.programDateTime !== undefined) throw duplicate(name, line);
        this.tags.programDateTime = readDateTime(tagValue(tag, line), line, name);
        break;
      case BITRATE_TAG:
        if (this.tags.bitrate !== undefined) throw duplicate(name, line);
        this.tags.bitrate = readInteger(tagValue(tag, line), line, name);
        break;
      case PART_TAG:
        (this.tags.parts ??= []).push(unmarshalMediaPart(tagValue(tag, line), line));
        break;
      case EXTINF_TAG:
        if (this.extinf) throw duplicate(name, line);
        this.extinf = readExtinf(tagValue(tag, line), line);
        this.extinfLine = line;
        break;
      case BYTERANGE_TAG:
        if (!this.extinf) throw misplaced(name, line, 'before EXTINF');
        if (this.extinf.byteRange) throw duplicate(name, line);
        this.extinf.byteRange = readByteRange(tagValue(tag, line), line, name);
        break;
      default:
        return false;
    }
    this.empty = false;
    return true;
  }

  /** A URI line: completes the segment. */
  complete(uri: string, line: number): MediaSegment {
    const extinf = this.extinf;
    if (!extinf) throw misplaced('URI', line, 'without EXTINF');
    const segment: MediaSegment = { ...this.tags, duration: extinf.duration, uri };
    if (extinf.title !== undefined) segment.title = extinf.title;
    if (extinf.byteRange) segment.byteRange = extinf.byteRange;
    this.tags = {};
    this.extinf = undefined;
    this.empty = true;
    return segment;
  }

  /** At the end of the playlist: the tags of a segment still being produced, if any. */
  finish(): PartialSegment | undefined {
    if (this.extinf)
      throw new PlaylistFormatError('playlist-segment-incomplete', this.extinfLine, 'EXTINF without a URI line');
    return this.empty ? undefined : this.tags;
  }

  /** Some segment tag has been read since the last URI. */
  get started(): boolean {
    return !this.empty;
  }
}

function readExtinf(value: string, line: number): { duration: number; title?: string } {
  const comma = value.indexOf(',');
  // 4.4.4.1: `<duration>,[<title>]`; the comma is required, but older writers omit it when there is no title.
  const duration = readFloat(comma < 0 ? value : value.slice(0, comma), line, EXTINF_TAG);
  const title = comma < 0 ? '' : value.slice(comma + 1);
  return title === '' ? { duration } : { duration, title };
}
