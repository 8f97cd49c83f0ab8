import { marshalMediaPlaylist, type MediaPlaylist, type MediaSegment, minimumTargetDuration } from '@rapidrtmp/hls';
import type { RecordingSegmentEntity } from '@rapidrtmp/server-persistence';

/** EXT-X-MAP needs 6; recordings have been served as 7 from the start, and nothing here needs more. */
const VOD_VERSION = 7;

/**
 * The VOD media playlist of a recording (RFC 8216bis 4.4) as a playlist model: every stored segment in
 * order, a new EXT-X-MAP where the init changes, EXT-X-DISCONTINUITY where the live stream had one or where
 * segments are missing (a gap), EXT-X-ENDLIST. `query` (a playback token) goes on every URI.
 */
export function vodPlaylist(segments: readonly RecordingSegmentEntity[], query = ''): MediaPlaylist {
  const stored = segments.filter((s) => s.state === 'stored');
  const playlist: MediaPlaylist = {
    version: VOD_VERSION,
    targetDuration: minimumTargetDuration(stored.map((s) => s.duration)),
    playlistType: 'VOD',
    mediaSequence: 0,
    independentSegments: true,
    segments: [],
    endList: true,
  };
  let init: string | undefined;
  let previousMsn: number | undefined;
  for (const entity of stored) {
    const segment: MediaSegment = {
      programDateTime: entity.programDateTime.getTime(),
      duration: entity.duration,
      uri: `${entity.name}${query}`,
    };
    const gap = previousMsn !== undefined && entity.msn !== previousMsn + 1;
    if (previousMsn !== undefined && (entity.discontinuity || gap)) segment.discontinuity = true;
    if (entity.initName !== init) {
      segment.map = { uri: `${entity.initName}${query}` };
      init = entity.initName;
    }
    playlist.segments.push(segment);
    previousMsn = entity.msn;
  }
  return playlist;
}

export function renderVodPlaylist(segments: readonly RecordingSegmentEntity[], query = ''): string {
  return marshalMediaPlaylist(vodPlaylist(segments, query));
}
