// Either kind of playlist, told apart by its tags (RFC 8216bis 4.1).
import { type PlaylistLimits, playlistLines } from './lines.js';
import { type MediaPlaylist, readMediaPlaylist } from './media-playlist.js';
import { type MultivariantPlaylist, readMultivariantPlaylist } from './multivariant-playlist.js';
import { playlistKind } from './tag-kinds.js';

export type Playlist =
  { kind: 'media'; playlist: MediaPlaylist } | { kind: 'multivariant'; playlist: MultivariantPlaylist };

/** Reads a playlist of either kind; throws `PlaylistFormatError` when it is neither or is malformed. */
export function parsePlaylist(input: string | Uint8Array, limits?: Partial<PlaylistLimits>): Playlist {
  const lines = playlistLines(input, limits);
  return playlistKind(lines) === 'media'
    ? { kind: 'media', playlist: readMediaPlaylist(lines) }
    : { kind: 'multivariant', playlist: readMultivariantPlaylist(lines) };
}
