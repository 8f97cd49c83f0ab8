// EXT-X-PRELOAD-HINT (RFC 8216bis 4.4.5.3): a resource the client may request before it exists; the server
// holds the request until it does (6.2.6).
import { AttributeList } from './attributes.js';

export type PreloadHintType = 'PART' | 'MAP';

export interface MediaPreloadHint {
  type: PreloadHintType;
  uri: string;
  /** BYTERANGE-START (absent: 0). */
  byteRangeStart?: number;
  /** BYTERANGE-LENGTH (absent: to the end of the resource). */
  byteRangeLength?: number;
}

export const PRELOAD_HINT_TAG = '#EXT-X-PRELOAD-HINT';
const TYPES: readonly PreloadHintType[] = ['PART', 'MAP'];

export function marshalMediaPreloadHint(hint: MediaPreloadHint): string {
  let text = `${PRELOAD_HINT_TAG}:TYPE=${hint.type},URI="${hint.uri}"`;
  if (hint.byteRangeStart !== undefined) text += `,BYTERANGE-START=${hint.byteRangeStart}`;
  if (hint.byteRangeLength !== undefined) text += `,BYTERANGE-LENGTH=${hint.byteRangeLength}`;
  return `${text}\n`;
}

export function unmarshalMediaPreloadHint(value: string, line: number): MediaPreloadHint {
  const attributes = AttributeList.parse(value, PRELOAD_HINT_TAG, line);
  const hint: MediaPreloadHint = { type: attributes.requiredEnumerated('TYPE', TYPES), uri: attributes.requiredUri() };
  const start = attributes.integer('BYTERANGE-START');
  if (start !== undefined) hint.byteRangeStart = start;
  const length = attributes.integer('BYTERANGE-LENGTH');
  if (length !== undefined) hint.byteRangeLength = length;
  return hint;
}
