// One playlist model for every playlist the server writes or reads: live and LL-HLS media playlists,
// delta updates, VOD, multivariant; marshal and parse for each tag (RFC 8216bis), after gohlslib's
// pkg/playlist.
export { PlaylistFormatError, type PlaylistErrorCode } from './playlist-error.js';
export { DEFAULT_PLAYLIST_LIMITS, type PlaylistLimits } from './lines.js';
export type { ByteRange, Resolution } from './values.js';
export { parsePlaylist, type Playlist } from './playlist.js';
export { type PlaylistKind } from './tag-kinds.js';
export { MAX_PLAYLIST_VERSION } from './playlist-version.js';
export {
  marshalMediaPlaylist,
  parseMediaPlaylist,
  segmentMsn,
  lastListed,
  type MarshalCache,
  type MarshalOptions,
  type MediaPlaylist,
  type MediaPlaylistType,
} from './media-playlist.js';
export {
  formatExtinf,
  roundedExtinf,
  minimumTargetDuration,
  EXTINF_PLACES,
  type MediaSegment,
  type PartialSegment,
  type SegmentTags,
} from './media-segment.js';
export type { MediaMap } from './media-map.js';
export type { MediaPart } from './media-part.js';
export type { MediaPartInf } from './media-part-inf.js';
export type { MediaServerControl } from './media-server-control.js';
export type { MediaPreloadHint, PreloadHintType } from './media-preload-hint.js';
export type { MediaRenditionReport } from './media-rendition-report.js';
export type { MediaSkip } from './media-skip.js';
export type { PlaylistStart } from './playlist-start.js';
export {
  marshalMultivariantPlaylist,
  parseMultivariantPlaylist,
  type MultivariantPlaylist,
} from './multivariant-playlist.js';
export type { MultivariantVariant } from './multivariant-variant.js';
export type { MultivariantRendition, RenditionType } from './multivariant-rendition.js';
