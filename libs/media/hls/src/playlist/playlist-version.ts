// EXT-X-VERSION (RFC 8216bis 4.4.1.2), in either kind of playlist.
import { invalid, PlaylistFormatError } from './playlist-error.js';
import { readInteger } from './values.js';

export const VERSION_TAG = '#EXT-X-VERSION';
/** The newest version RFC 8216bis defines (12, REQ-VIDEO-LAYOUT): a later one may change what tags mean. */
export const MAX_PLAYLIST_VERSION = 12;

export const marshalPlaylistVersion = (version: number): string => `${VERSION_TAG}:${version}\n`;

export function unmarshalPlaylistVersion(value: string, line: number): number {
  const version = readInteger(value, line, VERSION_TAG);
  if (version === 0) throw invalid(line, VERSION_TAG, 'zero');
  if (version > MAX_PLAYLIST_VERSION)
    throw new PlaylistFormatError('playlist-version-unsupported', line, `${VERSION_TAG}:${version}`);
  return version;
}
