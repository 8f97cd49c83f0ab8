// The media playlist (RFC 8216bis 4.4.3-4.4.5): live, LL-HLS, delta update, event or VOD, as one model.
// `marshalMediaPlaylist` writes it in one canonical tag order; `parseMediaPlaylist` reads it back (an edge
// reading what an origin wrote) and rejects what is not a well-formed media playlist.
import { type PlaylistLimits, isComment, isTag, noValue, playlistLines, splitTag, tagValue } from './lines.js';
import { type MediaPartInf, marshalMediaPartInf, PART_INF_TAG, unmarshalMediaPartInf } from './media-part-inf.js';
import {
  type MediaPreloadHint,
  marshalMediaPreloadHint,
  PRELOAD_HINT_TAG,
  unmarshalMediaPreloadHint,
} from './media-preload-hint.js';
import {
  type MediaRenditionReport,
  marshalMediaRenditionReport,
  RENDITION_REPORT_TAG,
  unmarshalMediaRenditionReport,
} from './media-rendition-report.js';
import {
  type MediaSegment,
  marshalMediaSegment,
  marshalSegmentTags,
  type PartialSegment,
  SegmentReader,
} from './media-segment.js';
import {
  type MediaServerControl,
  marshalMediaServerControl,
  SERVER_CONTROL_TAG,
  unmarshalMediaServerControl,
} from './media-server-control.js';
import { type MediaSkip, marshalMediaSkip, SKIP_TAG, unmarshalMediaSkip } from './media-skip.js';
import { duplicate, invalid, misplaced, PlaylistFormatError } from './playlist-error.js';
import { marshalPlaylistStart, type PlaylistStart, START_TAG, unmarshalPlaylistStart } from './playlist-start.js';
import { marshalPlaylistVersion, unmarshalPlaylistVersion, VERSION_TAG } from './playlist-version.js';
import { foreignTag } from './tag-kinds.js';
import { readInteger } from './values.js';

export type MediaPlaylistType = 'EVENT' | 'VOD';

export interface MediaPlaylist {
  /** EXT-X-VERSION (absent: 1). */
  version?: number;
  /** EXT-X-TARGETDURATION, whole seconds: >= every rounded EXTINF (see `minimumTargetDuration`). */
  targetDuration: number;
  serverControl?: MediaServerControl;
  partInf?: MediaPartInf;
  playlistType?: MediaPlaylistType;
  /** EXT-X-MEDIA-SEQUENCE: the msn of the first segment, skipped ones included (absent when read: 0). */
  mediaSequence: number;
  discontinuitySequence?: number;
  independentSegments?: boolean;
  start?: PlaylistStart;
  /** A Playlist Delta Update: this many segments are left out before `segments`. */
  skip?: MediaSkip;
  segments: MediaSegment[];
  /** The segment being produced: tags and parts, no EXTINF yet (LL-HLS). */
  partialSegment?: PartialSegment;
  /** At most one per type. */
  preloadHints?: MediaPreloadHint[];
  renditionReports?: MediaRenditionReport[];
  /** EXT-X-ENDLIST: no segment will be added. */
  endList?: boolean;
}

/** The Media Sequence Number of `segments[index]` (a delta update's skipped segments counted). */
export function segmentMsn(playlist: MediaPlaylist, index: number): number {
  return playlist.mediaSequence + (playlist.skip?.skippedSegments ?? 0) + index;
}

/**
 * The newest segment or part the playlist lists, as an EXT-X-RENDITION-REPORT states it (LAST-MSN and
 * LAST-PART, 4.4.5.4) and a blocking request for what follows would name it; undefined when it lists none.
 */
export function lastListed(playlist: MediaPlaylist): { msn: number; part?: number } | undefined {
  const partial = playlist.partialSegment?.parts?.length ?? 0;
  if (partial > 0) return { msn: segmentMsn(playlist, playlist.segments.length), part: partial - 1 };
  const last = playlist.segments.length - 1;
  const lastSegment = playlist.segments[last];
  if (!lastSegment) return undefined;
  const parts = lastSegment.parts?.length ?? 0;
  const msn = segmentMsn(playlist, last);
  return parts > 0 ? { msn, part: parts - 1 } : { msn };
}

/** Text already written for model objects: a `WeakMap`, or a `Map` its owner prunes. */
export interface MarshalCache {
  get(value: object): string | undefined;
  set(value: object, text: string): unknown;
}

export interface MarshalOptions {
  /**
   * Reuses the text of segments, the partial segment, server control and part info written before,
   * instead of writing them again. Only for objects that never change once written: the live playlist
   * keeps its segment objects frozen and builds them once per segment.
   */
  cache?: MarshalCache;
}

const HEADER = '#EXTM3U\n';
const TARGET_DURATION_TAG = '#EXT-X-TARGETDURATION';
const PLAYLIST_TYPE_TAG = '#EXT-X-PLAYLIST-TYPE';
const MEDIA_SEQUENCE_TAG = '#EXT-X-MEDIA-SEQUENCE';
const DISCONTINUITY_SEQUENCE_TAG = '#EXT-X-DISCONTINUITY-SEQUENCE';
export const INDEPENDENT_SEGMENTS_TAG = '#EXT-X-INDEPENDENT-SEGMENTS';
const ENDLIST_TAG = '#EXT-X-ENDLIST';

/** Playlist tags that may appear once (4.4.3). */
const ONCE: ReadonlySet<string> = new Set([
  VERSION_TAG,
  TARGET_DURATION_TAG,
  SERVER_CONTROL_TAG,
  PART_INF_TAG,
  PLAYLIST_TYPE_TAG,
  MEDIA_SEQUENCE_TAG,
  DISCONTINUITY_SEQUENCE_TAG,
  INDEPENDENT_SEGMENTS_TAG,
  START_TAG,
  SKIP_TAG,
  ENDLIST_TAG,
]);

function cached<T extends object>(cache: MarshalCache | undefined, value: T, marshal: (v: T) => string) {
  if (!cache) return marshal(value);
  let text = cache.get(value);
  if (text === undefined) {
    text = marshal(value);
    cache.set(value, text);
  }
  return text;
}

export function marshalMediaPlaylist(playlist: MediaPlaylist, options: MarshalOptions = {}): string {
  const cache = options.cache;
  let out = HEADER;
  if (playlist.version !== undefined) out += marshalPlaylistVersion(playlist.version);
  out += `${TARGET_DURATION_TAG}:${playlist.targetDuration}\n`;
  if (playlist.serverControl) out += cached(cache, playlist.serverControl, marshalMediaServerControl);
  if (playlist.partInf) out += cached(cache, playlist.partInf, marshalMediaPartInf);
  if (playlist.playlistType) out += `${PLAYLIST_TYPE_TAG}:${playlist.playlistType}\n`;
  out += `${MEDIA_SEQUENCE_TAG}:${playlist.mediaSequence}\n`;
  if (playlist.discontinuitySequence !== undefined)
    out += `${DISCONTINUITY_SEQUENCE_TAG}:${playlist.discontinuitySequence}\n`;
  if (playlist.independentSegments) out += `${INDEPENDENT_SEGMENTS_TAG}\n`;
  if (playlist.start) out += marshalPlaylistStart(playlist.start);
  if (playlist.skip) out += marshalMediaSkip(playlist.skip);
  for (const segment of playlist.segments) out += cached(cache, segment, marshalMediaSegment);
  if (playlist.partialSegment) out += cached(cache, playlist.partialSegment, marshalSegmentTags);
  if (playlist.preloadHints) for (const hint of playlist.preloadHints) out += marshalMediaPreloadHint(hint);
  if (playlist.renditionReports)
    for (const report of playlist.renditionReports) out += marshalMediaRenditionReport(report);
  if (playlist.endList) out += `${ENDLIST_TAG}\n`;
  return out;
}

/** Reads a media playlist; throws `PlaylistFormatError` for anything else or anything malformed. */
export function parseMediaPlaylist(input: string | Uint8Array, limits?: Partial<PlaylistLimits>): MediaPlaylist {
  return readMediaPlaylist(playlistLines(input, limits));
}

/** The media playlist in `lines` (from `playlistLines`: `lines[0]` is the checked header). */
export function readMediaPlaylist(lines: readonly string[]): MediaPlaylist {
  const seen = new Set<string>();
  const segments: MediaSegment[] = [];
  const reader = new SegmentReader();
  let version: number | undefined;
  let targetDuration: number | undefined;
  let mediaSequence = 0;
  const header: Omit<MediaPlaylist, 'targetDuration' | 'mediaSequence' | 'segments'> = {};
  const preloadHints: MediaPreloadHint[] = [];
  const renditionReports: MediaRenditionReport[] = [];

  for (const [i, text] of lines.entries()) {
    if (i === 0) continue; // #EXTM3U, checked by splitLines
    const line = i + 1;
    if (text === '' || isComment(text)) continue;
    if (!isTag(text)) {
      segments.push(reader.complete(text, line));
      continue;
    }
    const tag = splitTag(text);
    if (reader.read(tag, line)) continue;
    const name = tag.name;
    const foreign = foreignTag(name, 'media', line);
    if (foreign) throw foreign;
    if (ONCE.has(name)) {
      if (seen.has(name)) throw duplicate(name, line);
      seen.add(name);
    }
    const beforeSegments = segments.length === 0 && !reader.started;
    switch (name) {
      case VERSION_TAG:
        version = unmarshalPlaylistVersion(tagValue(tag, line), line);
        break;
      case TARGET_DURATION_TAG:
        targetDuration = readInteger(tagValue(tag, line), line, name);
        if (targetDuration === 0) throw invalid(line, name, 'zero');
        break;
      case SERVER_CONTROL_TAG:
        header.serverControl = unmarshalMediaServerControl(tagValue(tag, line), line);
        break;
      case PART_INF_TAG:
        header.partInf = unmarshalMediaPartInf(tagValue(tag, line), line);
        break;
      case PLAYLIST_TYPE_TAG: {
        const type = tagValue(tag, line);
        if (type !== 'EVENT' && type !== 'VOD') throw invalid(line, name, 'neither EVENT nor VOD');
        header.playlistType = type;
        break;
      }
      case MEDIA_SEQUENCE_TAG:
        // 4.4.3.2 / 4.4.3.3: both sequence numbers MUST appear before the first Media Segment.
        if (!beforeSegments) throw misplaced(name, line, 'after a segment');
        mediaSequence = readInteger(tagValue(tag, line), line, name);
        break;
      case DISCONTINUITY_SEQUENCE_TAG:
        if (!beforeSegments) throw misplaced(name, line, 'after a segment');
        header.discontinuitySequence = readInteger(tagValue(tag, line), line, name);
        break;
      case INDEPENDENT_SEGMENTS_TAG:
        noValue(tag, line);
        header.independentSegments = true;
        break;
      case START_TAG:
        header.start = unmarshalPlaylistStart(tagValue(tag, line), line);
        break;
      case SKIP_TAG:
        // 4.4.5.2: EXT-X-SKIP stands for the first segments, so it comes before any listed one.
        if (!beforeSegments) throw misplaced(name, line, 'after a segment');
        header.skip = unmarshalMediaSkip(tagValue(tag, line), line);
        break;
      case ENDLIST_TAG:
        noValue(tag, line);
        header.endList = true;
        break;
      case PRELOAD_HINT_TAG: {
        const hint = unmarshalMediaPreloadHint(tagValue(tag, line), line);
        // 4.4.5.3: at most one hint of each type.
        if (preloadHints.some((h) => h.type === hint.type)) throw duplicate(`${name} TYPE=${hint.type}`, line);
        preloadHints.push(hint);
        break;
      }
      case RENDITION_REPORT_TAG:
        renditionReports.push(unmarshalMediaRenditionReport(tagValue(tag, line), line));
        break;
      // 4.1: other tags are ignored (EXT-X-DATERANGE, EXT-X-CUE-OUT, vendor tags).
    }
  }

  const partialSegment = reader.finish();
  if (targetDuration === undefined)
    throw new PlaylistFormatError('playlist-tag-missing', 0, `${TARGET_DURATION_TAG} missing`);
  const playlist: MediaPlaylist = { targetDuration, mediaSequence, segments, ...header };
  if (version !== undefined) playlist.version = version;
  if (partialSegment) playlist.partialSegment = partialSegment;
  if (preloadHints.length > 0) playlist.preloadHints = preloadHints;
  if (renditionReports.length > 0) playlist.renditionReports = renditionReports;
  // 4.4.3.7: EXT-X-PART-INF is REQUIRED when the playlist lists parts (or hints one).
  const hasParts =
    segments.some((s) => s.parts) || partialSegment?.parts || preloadHints.some((h) => h.type === 'PART');
  if (hasParts && !playlist.partInf)
    throw new PlaylistFormatError('playlist-tag-missing', 0, `${PART_INF_TAG} missing in a playlist with parts`);
  return playlist;
}
