// EXT-X-SKIP (RFC 8216bis 4.4.5.2): in a Playlist Delta Update, stands for the oldest segments the client
// already has (6.2.5.1). The media sequence still counts them: the first listed segment is
// EXT-X-MEDIA-SEQUENCE + SKIPPED-SEGMENTS.
import { AttributeList } from './attributes.js';

export interface MediaSkip {
  skippedSegments: number;
  /** RECENTLY-REMOVED-DATERANGES: ids of EXT-X-DATERANGE tags removed since (with CAN-SKIP-DATERANGES). */
  recentlyRemovedDateRanges?: string[];
}

export const SKIP_TAG = '#EXT-X-SKIP';

export function marshalMediaSkip(skip: MediaSkip): string {
  const removed = skip.recentlyRemovedDateRanges;
  // The list is tab-delimited (4.4.5.2).
  const dateRanges = removed === undefined ? '' : `,RECENTLY-REMOVED-DATERANGES="${removed.join('\t')}"`;
  return `${SKIP_TAG}:SKIPPED-SEGMENTS=${skip.skippedSegments}${dateRanges}\n`;
}

export function unmarshalMediaSkip(value: string, line: number): MediaSkip {
  const attributes = AttributeList.parse(value, SKIP_TAG, line);
  const skip: MediaSkip = { skippedSegments: attributes.requiredInteger('SKIPPED-SEGMENTS') };
  const removed = attributes.string('RECENTLY-REMOVED-DATERANGES');
  if (removed !== undefined) skip.recentlyRemovedDateRanges = removed === '' ? [] : removed.split('\t');
  return skip;
}
