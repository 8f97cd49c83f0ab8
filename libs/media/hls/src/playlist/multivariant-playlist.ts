// The multivariant playlist (RFC 8216bis 4.4.6): the variant streams and renditions of one presentation.
import { isComment, isTag, noValue, type PlaylistLimits, playlistLines, splitTag, tagValue } from './lines.js';
import { INDEPENDENT_SEGMENTS_TAG } from './media-playlist.js';
import {
  MEDIA_TAG,
  marshalMultivariantRendition,
  type MultivariantRendition,
  unmarshalMultivariantRendition,
} from './multivariant-rendition.js';
import {
  marshalMultivariantVariant,
  type MultivariantVariant,
  STREAM_INF_TAG,
  unmarshalMultivariantVariant,
} from './multivariant-variant.js';
import { duplicate, misplaced, PlaylistFormatError } from './playlist-error.js';
import { marshalPlaylistStart, type PlaylistStart, START_TAG, unmarshalPlaylistStart } from './playlist-start.js';
import { marshalPlaylistVersion, unmarshalPlaylistVersion, VERSION_TAG } from './playlist-version.js';
import { foreignTag } from './tag-kinds.js';

export interface MultivariantPlaylist {
  /** EXT-X-VERSION (absent: 1). */
  version?: number;
  independentSegments?: boolean;
  start?: PlaylistStart;
  /** EXT-X-MEDIA, written before the variants. */
  renditions?: MultivariantRendition[];
  /** EXT-X-STREAM-INF: at least one. */
  variants: MultivariantVariant[];
}

export function marshalMultivariantPlaylist(playlist: MultivariantPlaylist): string {
  let out = '#EXTM3U\n';
  if (playlist.version !== undefined) out += marshalPlaylistVersion(playlist.version);
  if (playlist.independentSegments) out += `${INDEPENDENT_SEGMENTS_TAG}\n`;
  if (playlist.start) out += marshalPlaylistStart(playlist.start);
  if (playlist.renditions) for (const rendition of playlist.renditions) out += marshalMultivariantRendition(rendition);
  for (const variant of playlist.variants) out += marshalMultivariantVariant(variant);
  return out;
}

/** Reads a multivariant playlist; throws `PlaylistFormatError` for anything else or anything malformed. */
export function parseMultivariantPlaylist(
  input: string | Uint8Array,
  limits?: Partial<PlaylistLimits>,
): MultivariantPlaylist {
  return readMultivariantPlaylist(playlistLines(input, limits));
}

/** The multivariant playlist in `lines` (from `playlistLines`: `lines[0]` is the checked header). */
export function readMultivariantPlaylist(lines: readonly string[]): MultivariantPlaylist {
  const playlist: MultivariantPlaylist = { variants: [] };
  const renditions: MultivariantRendition[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i];
    if (text === undefined) break; // unreachable: i < lines.length
    const line = i + 1;
    if (text === '' || isComment(text)) continue;
    if (!isTag(text)) throw misplaced('URI', line, `not after ${STREAM_INF_TAG}`);
    const tag = splitTag(text);
    const name = tag.name;
    const foreign = foreignTag(name, 'multivariant', line);
    if (foreign) throw foreign;
    switch (name) {
      case VERSION_TAG:
      case INDEPENDENT_SEGMENTS_TAG:
      case START_TAG:
        if (seen.has(name)) throw duplicate(name, line);
        seen.add(name);
        if (name === VERSION_TAG) playlist.version = unmarshalPlaylistVersion(tagValue(tag, line), line);
        else if (name === START_TAG) playlist.start = unmarshalPlaylistStart(tagValue(tag, line), line);
        else {
          noValue(tag, line);
          playlist.independentSegments = true;
        }
        break;
      case MEDIA_TAG:
        renditions.push(unmarshalMultivariantRendition(tagValue(tag, line), line));
        break;
      case STREAM_INF_TAG: {
        // 4.4.6.2: the URI line follows the tag.
        let next = i + 1;
        while (next < lines.length && lines[next] === '') next++;
        const uri = lines[next];
        if (uri === undefined || uri.startsWith('#'))
          throw new PlaylistFormatError('playlist-tag-missing', line, `${STREAM_INF_TAG} without a URI line`);
        playlist.variants.push(unmarshalMultivariantVariant(tagValue(tag, line), uri, line));
        i = next;
        break;
      }
      // 4.1: other tags are ignored (EXT-X-I-FRAME-STREAM-INF, EXT-X-SESSION-DATA, vendor tags).
    }
  }
  if (renditions.length > 0) playlist.renditions = renditions;
  if (playlist.variants.length === 0)
    throw new PlaylistFormatError('playlist-tag-missing', 0, `no ${STREAM_INF_TAG} in a multivariant playlist`);
  return playlist;
}
