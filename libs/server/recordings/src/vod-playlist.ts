import type { RecordingSegmentEntity } from '@rapidrtmp/server-persistence';

/**
 * The VOD media playlist of a recording (RFC 8216bis 4.4): every stored segment in order, a new
 * EXT-X-MAP where the init changes, EXT-X-DISCONTINUITY where the live stream had one or where segments
 * are missing (a gap), EXT-X-ENDLIST.
 */
export function renderVodPlaylist(segments: readonly RecordingSegmentEntity[], query = ''): string {
  const stored = segments.filter((s) => s.state === 'stored');
  const target = Math.max(1, ...stored.map((s) => Math.round(s.duration)));
  const out = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${target}`,
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let init: string | undefined;
  let previousMsn: number | undefined;
  for (const segment of stored) {
    const gap = previousMsn !== undefined && segment.msn !== previousMsn + 1;
    if (previousMsn !== undefined && (segment.discontinuity || gap)) out.push('#EXT-X-DISCONTINUITY');
    if (segment.initName !== init) {
      out.push(`#EXT-X-MAP:URI="${segment.initName}${query}"`);
      init = segment.initName;
    }
    out.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.programDateTime.toISOString()}`);
    out.push(`#EXTINF:${segment.duration.toFixed(5)},`, `${segment.name}${query}`);
    previousMsn = segment.msn;
  }
  out.push('#EXT-X-ENDLIST');
  return `${out.join('\n')}\n`;
}
