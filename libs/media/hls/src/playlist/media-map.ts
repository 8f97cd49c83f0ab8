// EXT-X-MAP (RFC 8216bis 4.4.4.5): the initialization section of the segments that follow it.
import { AttributeList } from './attributes.js';
import { type ByteRange, formatByteRange } from './values.js';

export interface MediaMap {
  uri: string;
  byteRange?: ByteRange;
}

export const MAP_TAG = '#EXT-X-MAP';

export function marshalMediaMap(map: MediaMap): string {
  const byteRange = map.byteRange ? `,BYTERANGE="${formatByteRange(map.byteRange)}"` : '';
  return `${MAP_TAG}:URI="${map.uri}"${byteRange}\n`;
}

export function unmarshalMediaMap(value: string, line: number): MediaMap {
  const attributes = AttributeList.parse(value, MAP_TAG, line);
  const map: MediaMap = { uri: attributes.requiredUri() };
  const byteRange = attributes.byteRange('BYTERANGE');
  if (byteRange) {
    // 4.4.4.5: the offset is REQUIRED here (there is no previous sub-range to continue).
    if (byteRange.offset === undefined) attributes.fail('BYTERANGE without an offset');
    map.byteRange = byteRange;
  }
  return map;
}
