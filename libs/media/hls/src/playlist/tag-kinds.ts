// Which tags belong to which kind of playlist (RFC 8216bis 4.1: a playlist is a media playlist or a
// multivariant playlist, never both), and the tags the model refuses to carry.
import { isTag, splitTag } from './lines.js';
import { PlaylistFormatError } from './playlist-error.js';

/** Tags of media playlists only (4.4.3-4.4.5). */
export const MEDIA_TAGS: ReadonlySet<string> = new Set([
  '#EXTINF',
  '#EXT-X-TARGETDURATION',
  '#EXT-X-MEDIA-SEQUENCE',
  '#EXT-X-DISCONTINUITY-SEQUENCE',
  '#EXT-X-PLAYLIST-TYPE',
  '#EXT-X-ENDLIST',
  '#EXT-X-I-FRAMES-ONLY',
  '#EXT-X-PART-INF',
  '#EXT-X-SERVER-CONTROL',
  '#EXT-X-BYTERANGE',
  '#EXT-X-DISCONTINUITY',
  '#EXT-X-KEY',
  '#EXT-X-MAP',
  '#EXT-X-PROGRAM-DATE-TIME',
  '#EXT-X-GAP',
  '#EXT-X-BITRATE',
  '#EXT-X-PART',
  '#EXT-X-DATERANGE',
  '#EXT-X-SKIP',
  '#EXT-X-PRELOAD-HINT',
  '#EXT-X-RENDITION-REPORT',
]);

/** Tags of multivariant playlists only (4.4.6). */
export const MULTIVARIANT_TAGS: ReadonlySet<string> = new Set([
  '#EXT-X-STREAM-INF',
  '#EXT-X-MEDIA',
  '#EXT-X-I-FRAME-STREAM-INF',
  '#EXT-X-SESSION-DATA',
  '#EXT-X-SESSION-KEY',
  '#EXT-X-CONTENT-STEERING',
]);

/**
 * Tags the model does not carry and will not silently drop: re-serving a playlist without its keys, its
 * variable definitions or its I-frame-only flag would change what the media means.
 */
export const UNSUPPORTED_TAGS: ReadonlySet<string> = new Set([
  '#EXT-X-KEY',
  '#EXT-X-SESSION-KEY',
  '#EXT-X-DEFINE',
  '#EXT-X-I-FRAMES-ONLY',
]);

export type PlaylistKind = 'media' | 'multivariant';

/** The kind the first kind-specific tag announces; `playlist-kind-mismatch` when there is none. */
export function playlistKind(lines: readonly string[]): PlaylistKind {
  for (const text of lines.slice(1)) {
    if (!isTag(text)) continue;
    const { name } = splitTag(text);
    if (MEDIA_TAGS.has(name)) return 'media';
    if (MULTIVARIANT_TAGS.has(name)) return 'multivariant';
  }
  throw new PlaylistFormatError('playlist-kind-mismatch', 0, 'neither a media nor a multivariant playlist');
}

/** A tag of the other kind of playlist, or one the model refuses: the error to throw, if any. */
export function foreignTag(name: string, kind: PlaylistKind, line: number): PlaylistFormatError | undefined {
  if (UNSUPPORTED_TAGS.has(name)) return new PlaylistFormatError('playlist-tag-unsupported', line, name);
  const other = kind === 'media' ? MULTIVARIANT_TAGS : MEDIA_TAGS;
  if (other.has(name)) return new PlaylistFormatError('playlist-kind-mismatch', line, `${name} in a ${kind} playlist`);
  return undefined;
}
