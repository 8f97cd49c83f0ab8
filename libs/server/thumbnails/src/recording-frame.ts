/** What picking a recording's frame needs of its segment log (a `recording_segments` row). */
export interface LoggedSegment {
  msn: number;
  name: string;
  initName: string;
  duration: number;
  state: string;
}

export interface SegmentAt {
  segment: LoggedSegment;
  /** Seconds into the segment. */
  offset: number;
}

/** A picture is taken a little before a segment's end: its last frame starts up to a frame earlier. */
const END_MARGIN_SECONDS = 0.1;

/**
 * The segment holding `time` on the recording's VOD timeline (the stored segments one after another, as
 * its playlist lists them) and how far into it; undefined past the end.
 */
export function segmentAt(segments: readonly LoggedSegment[], time: number): SegmentAt | undefined {
  let start = 0;
  for (const segment of segments) {
    if (segment.state !== 'stored') continue;
    if (time < start + segment.duration) {
      const offset = Math.max(0, Math.min(time - start, segment.duration - END_MARGIN_SECONDS));
      return { segment, offset: Math.round(offset * 1000) / 1000 };
    }
    start += segment.duration;
  }
  return undefined;
}

/** The length of the VOD timeline in seconds. */
export function storedDuration(segments: readonly LoggedSegment[]): number {
  return segments.filter((s) => s.state === 'stored').reduce((sum, s) => sum + s.duration, 0);
}
