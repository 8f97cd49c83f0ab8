// Playlist text as lines (RFC 8216bis 4.1), with the bounds that make reading network input safe.
import { invalid, PlaylistFormatError } from './playlist-error.js';

/** Upper bounds on what a parse accepts: a playlist is read whole and into memory. */
export interface PlaylistLimits {
  /** Bytes of a Buffer, characters of a string (default 1 MiB: a 6 h VOD playlist of 2 s segments is ~0.7 MB). */
  maxBytes: number;
  /** Lines, blank ones included (default 65,536). */
  maxLines: number;
  /** Characters of one line (default 8 KiB: a URI with a long query, an EXT-X-STREAM-INF with many codecs). */
  maxLineLength: number;
}

export const DEFAULT_PLAYLIST_LIMITS: Readonly<PlaylistLimits> = Object.freeze({
  maxBytes: 1 << 20,
  maxLines: 1 << 16,
  maxLineLength: 8 << 10,
});

const HEADER = '#EXTM3U';
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// 4.1: no control characters but CR and LF. TAB is let through: 4.4.5.2 RECENTLY-REMOVED-DATERANGES is a
// tab-delimited list, so the spec itself puts one in a playlist.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Decodes and splits a playlist, checking the limits, the encoding and the `#EXTM3U` header (4.4.1.1).
 * Returns every line (CR of a CRLF stripped); `lines[i]` is line `i + 1`, `lines[0]` the header.
 */
export function playlistLines(input: string | Uint8Array, limits: Partial<PlaylistLimits> = {}): string[] {
  const { maxBytes, maxLines, maxLineLength } = { ...DEFAULT_PLAYLIST_LIMITS, ...limits };
  if (input.length > maxBytes) throw new PlaylistFormatError('playlist-too-large', 0, `over ${maxBytes} bytes`);
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    try {
      text = UTF8.decode(input);
    } catch {
      throw new PlaylistFormatError('playlist-encoding-invalid', 0, 'not UTF-8');
    }
  }
  if (CONTROL.test(text)) {
    const line = text.slice(0, text.search(CONTROL)).split('\n').length;
    throw new PlaylistFormatError('playlist-encoding-invalid', line, 'a control character');
  }
  const lines = text.split('\n');
  if (lines.length > maxLines) throw new PlaylistFormatError('playlist-too-many-lines', 0, `over ${maxLines} lines`);
  for (const [i, raw] of lines.entries()) {
    if (raw.length > maxLineLength)
      throw new PlaylistFormatError('playlist-line-too-long', i + 1, `over ${maxLineLength} characters`);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    lines[i] = line;
    if (line.includes('\r')) throw new PlaylistFormatError('playlist-encoding-invalid', i + 1, 'a CR inside a line');
  }
  const first = lines[0] ?? ''; // split always gives at least one line
  if (first.startsWith('\ufeff')) throw new PlaylistFormatError('playlist-encoding-invalid', 1, 'a byte order mark');
  if (first !== HEADER) throw new PlaylistFormatError('playlist-header-missing', 1, 'the first line is not #EXTM3U');
  return lines;
}

/** A tag line split into its name and value (`#EXT-X-PART:DURATION=…` -> `#EXT-X-PART`, `DURATION=…`). */
export interface TagLine {
  name: string;
  /** Text after the first colon; undefined for a tag without one (`#EXT-X-ENDLIST`). */
  value: string | undefined;
}

export function splitTag(line: string): TagLine {
  const colon = line.indexOf(':');
  return colon < 0 ? { name: line, value: undefined } : { name: line.slice(0, colon), value: line.slice(colon + 1) };
}

/** 4.1: lines starting with `#EXT` are tags, other `#` lines comments, the rest URIs; blank lines are ignored. */
export const isTag = (line: string): boolean => line.startsWith('#EXT');
export const isComment = (line: string): boolean => line.startsWith('#') && !line.startsWith('#EXT');

/** The value of a tag that must have one (`#EXT-X-MEDIA-SEQUENCE:` + value). */
export function tagValue(tag: TagLine, line: number): string {
  if (tag.value === undefined) throw invalid(line, tag.name, 'value missing');
  return tag.value;
}

/** A tag that must not have a value (`#EXT-X-ENDLIST`). */
export function noValue(tag: TagLine, line: number): void {
  if (tag.value !== undefined) throw invalid(line, tag.name, 'takes no value');
}
