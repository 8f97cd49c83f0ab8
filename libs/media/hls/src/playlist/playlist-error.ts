import { MediaFormatError } from '@rapidrtmp/media-core';

/** Why a playlist was rejected; one code per rule, so an edge can count them. */
export type PlaylistErrorCode =
  /** Over `PlaylistLimits.maxBytes` / `maxLines` / `maxLineLength`. */
  | 'playlist-too-large'
  | 'playlist-too-many-lines'
  | 'playlist-line-too-long'
  /** Not UTF-8, or a byte order mark, or a control character (RFC 8216bis 4.1). */
  | 'playlist-encoding-invalid'
  /** The first line is not `#EXTM3U` (4.4.1.1). */
  | 'playlist-header-missing'
  /** A multivariant tag in a media playlist or the reverse, or neither kind recognisable (4.1). */
  | 'playlist-kind-mismatch'
  /** A tag the model deliberately does not carry, because re-serving the playlist without it would change its meaning. */
  | 'playlist-tag-unsupported'
  /** A tag that may appear once (per playlist, or per segment) appears again. */
  | 'playlist-tag-duplicate'
  /** A tag or URI line where it cannot be (e.g. a URI without EXTINF, EXT-X-SKIP after a segment). */
  | 'playlist-tag-misplaced'
  /** A tag's value is malformed: a bad attribute list, a missing or ill-typed attribute, a bad number or date. */
  | 'playlist-tag-invalid'
  /** EXTINF (or EXT-X-BYTERANGE) with no URI line after it. */
  | 'playlist-segment-incomplete'
  /** A required tag is absent: EXT-X-TARGETDURATION, EXT-X-PART-INF when parts are listed, a variant. */
  | 'playlist-tag-missing'
  /** EXT-X-VERSION beyond what this model knows. */
  | 'playlist-version-unsupported';

/**
 * A playlist that cannot be read. `line` is 1-based (0 when the whole input is at fault). The message names
 * the rule and the tag, never the offending text: playlists come from the network and end up in logs.
 */
export class PlaylistFormatError extends MediaFormatError {
  declare readonly code: PlaylistErrorCode;

  constructor(
    code: PlaylistErrorCode,
    readonly line: number,
    detail: string,
  ) {
    super(code, line > 0 ? `line ${line}: ${detail}` : detail);
    this.name = 'PlaylistFormatError';
  }
}

/** A tag whose value breaks its syntax; `what` names the tag (and attribute): "EXT-X-PART DURATION". */
export function invalid(line: number, what: string, why = 'malformed'): PlaylistFormatError {
  return new PlaylistFormatError('playlist-tag-invalid', line, `${what}: ${why}`);
}

export function duplicate(name: string, line: number): PlaylistFormatError {
  return new PlaylistFormatError('playlist-tag-duplicate', line, `${name} repeated`);
}

export function misplaced(name: string, line: number, where: string): PlaylistFormatError {
  return new PlaylistFormatError('playlist-tag-misplaced', line, `${name} ${where}`);
}
