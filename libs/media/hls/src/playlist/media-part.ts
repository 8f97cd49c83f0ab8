// EXT-X-PART (RFC 8216bis 4.4.4.9): a Partial Segment of the segment the tag belongs to.
import { AttributeList } from './attributes.js';
import { type ByteRange, formatByteRange, formatDecimal } from './values.js';

export interface MediaPart {
  /** Seconds. */
  duration: number;
  uri: string;
  /** Starts with an independent frame (INDEPENDENT=YES). */
  independent?: boolean;
  byteRange?: ByteRange;
  /** The part is not available (GAP=YES): clients must not load it. */
  gap?: boolean;
}

export const PART_TAG = '#EXT-X-PART';
/** Same precision as EXTINF: part durations are summed against the segment's. */
export const PART_DURATION_PLACES = 5;

export function marshalMediaPart(part: MediaPart): string {
  let text = `${PART_TAG}:DURATION=${formatDecimal(part.duration, PART_DURATION_PLACES)},URI="${part.uri}"`;
  if (part.independent) text += ',INDEPENDENT=YES';
  if (part.byteRange) text += `,BYTERANGE="${formatByteRange(part.byteRange)}"`;
  if (part.gap) text += ',GAP=YES';
  return `${text}\n`;
}

export function unmarshalMediaPart(value: string, line: number): MediaPart {
  const attributes = AttributeList.parse(value, PART_TAG, line);
  const part: MediaPart = { duration: attributes.requiredFloat('DURATION'), uri: attributes.requiredUri() };
  if (attributes.yes('INDEPENDENT')) part.independent = true;
  const byteRange = attributes.byteRange('BYTERANGE');
  if (byteRange) part.byteRange = byteRange;
  if (attributes.yes('GAP')) part.gap = true;
  return part;
}
