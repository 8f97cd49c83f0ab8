// EXT-X-PART-INF (RFC 8216bis 4.4.3.7): required by a playlist that lists Partial Segments.
import { AttributeList } from './attributes.js';
import { formatDecimal } from './values.js';

export interface MediaPartInf {
  /** PART-TARGET, seconds. */
  partTarget: number;
}

export const PART_INF_TAG = '#EXT-X-PART-INF';
/** Millisecond precision: part targets are whole milliseconds in practice (0.5, 0.333, 1.002). */
export const PART_TARGET_PLACES = 3;

export function marshalMediaPartInf(partInf: MediaPartInf): string {
  return `${PART_INF_TAG}:PART-TARGET=${formatDecimal(partInf.partTarget, PART_TARGET_PLACES)}\n`;
}

export function unmarshalMediaPartInf(value: string, line: number): MediaPartInf {
  const attributes = AttributeList.parse(value, PART_INF_TAG, line);
  const partTarget = attributes.requiredFloat('PART-TARGET');
  if (partTarget <= 0) attributes.fail('PART-TARGET must be positive');
  return { partTarget };
}
