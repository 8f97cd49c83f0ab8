import type { RecordingSegmentEntity } from '@rapidrtmp/server-persistence';

/** A stored 2 s segment row of recording `r` (fields overridable), for specs. */
export const segmentRow = (msn: number, overrides: Partial<RecordingSegmentEntity> = {}): RecordingSegmentEntity => ({
  recordingId: 'r',
  msn,
  name: `seg-${msn}.m4s`,
  initName: 'init-0.mp4',
  duration: 2,
  discontinuity: false,
  bytes: 1000,
  programDateTime: new Date(1_700_000_000_000 + msn * 2000),
  state: 'stored',
  ...overrides,
});
