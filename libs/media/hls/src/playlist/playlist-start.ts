// EXT-X-START (RFC 8216bis 4.4.2.2): the preferred point to start playing, in either kind of playlist.
import { AttributeList } from './attributes.js';
import { formatDecimal } from './values.js';

export interface PlaylistStart {
  /** TIME-OFFSET, seconds: from the start of the playlist, or from its end when negative. */
  timeOffset: number;
  /** PRECISE=YES: start exactly there, not at the segment boundary before it. */
  precise?: boolean;
}

export const START_TAG = '#EXT-X-START';
const TIME_OFFSET_PLACES = 3;

export function marshalPlaylistStart(start: PlaylistStart): string {
  const precise = start.precise ? ',PRECISE=YES' : '';
  return `${START_TAG}:TIME-OFFSET=${formatDecimal(start.timeOffset, TIME_OFFSET_PLACES)}${precise}\n`;
}

export function unmarshalPlaylistStart(value: string, line: number): PlaylistStart {
  const attributes = AttributeList.parse(value, START_TAG, line);
  const start: PlaylistStart = { timeOffset: attributes.requiredSignedFloat('TIME-OFFSET') };
  if (attributes.yes('PRECISE')) start.precise = true;
  return start;
}
