// Cuts timed samples into LL-HLS parts (CMAF chunks) and segments.
//
// One track drives the cuts: video when present, else audio. The other track (audio beside video)
// follows: its samples go into the part that covers their decode time. Every part is one fragment
// holding both tracks (writeFragment), and a segment is its parts' buffers, never re-muxed or copied.
import { type TrackRun, writeFragment } from '@rapidrtmp/fmp4';
import { releaseMedia } from '@rapidrtmp/media-core';
import { partChunks } from './part-chunks.js';
import type { TimedSample } from './sample-timer.js';
import type { SegmentWindow } from './segment-window.js';

export interface SegmenterTrack {
  id: number;
  timescale: number;
}

export interface SegmenterOptions {
  segmentSeconds: number;
  partSeconds: number;
}

export interface EpochStart {
  driver: SegmenterTrack;
  follower?: SegmenterTrack;
  initIndex: number;
  /** Mark the epoch's first segment with EXT-X-DISCONTINUITY. */
  discontinuity: boolean;
  /** Wall clock (ms) of a driver decode time, for EXT-X-PROGRAM-DATE-TIME. */
  wallClockOf: (driverDts: number) => number;
}

/** A keyframe this close to the segment target still closes the segment (millisecond rounding). */
const CUT_TOLERANCE_SECONDS = 0.01;

export class Segmenter {
  /** Driver samples per second over the last segment: the frame rate when video drives. */
  measuredSampleRate: number | undefined;

  private epoch: EpochStart | undefined;
  private sequenceNumber = 1;
  private segmentOpen = false;
  private segmentStartDts = 0;
  private segmentTicks = 0;
  private segmentSamples = 0;
  private partTicks = 0;
  private driverSamples: TimedSample[] = [];
  private followerPending: TimedSample[] = [];
  private segmentTargetTicks = 0;
  private partTargetTicks = 0;
  private toleranceTicks = 0;
  /** A cut `announce` decided on, waiting for the follower to catch up with its decode time. */
  private plannedCut: { dts: number; closesSegment: boolean } | undefined;
  private followerReadyUntil = 0;

  constructor(
    private readonly window: SegmentWindow,
    private readonly options: SegmenterOptions,
  ) {}

  begin(epoch: EpochStart): void {
    this.epoch = epoch;
    const ts = epoch.driver.timescale;
    this.segmentTargetTicks = Math.round(this.options.segmentSeconds * ts);
    this.partTargetTicks = Math.round(this.options.partSeconds * ts);
    // 5 % of the target as well: encoders that clamp their first B-frame timestamps (GStreamer rtmp2sink)
    // put every later keyframe a frame or two early, which would otherwise push the cut a whole GOP late.
    this.toleranceTicks = Math.round(Math.max(CUT_TOLERANCE_SECONDS, this.options.segmentSeconds * 0.05) * ts);
    this.segmentOpen = false;
    this.driverSamples = [];
    this.followerPending = [];
    this.partTicks = 0;
    this.plannedCut = undefined;
    this.followerReadyUntil = 0;
  }

  addDriverSample(sample: TimedSample): void {
    const epoch = this.epoch;
    if (!epoch) return;
    // A cut planned for this sample and not made yet is made below, with the follower samples there are.
    this.plannedCut = undefined;
    if (!this.segmentOpen) {
      this.openSegment(epoch, sample.dts);
    } else if (this.startsSegment(sample)) {
      this.closePart(epoch, sample.dts);
      this.closeSegment(epoch);
      this.openSegment(epoch, sample.dts);
    } else if (this.driverSamples.length > 0 && this.partTicks + sample.duration > this.partTargetTicks) {
      // RFC 8216bis 4.4.4.9: a part MUST NOT exceed the Part Target Duration, so close it before it would.
      this.closePart(epoch, sample.dts);
    }
    this.driverSamples.push(sample);
    this.partTicks += sample.duration;
  }

  /**
   * The driver's next sample is known (decode time, sync flag) but not yet its duration, which only the
   * sample after it tells: plan now the cut that adding it will make, and make it as soon as the follower
   * has delivered everything decoding before it, so a part is listed when its last samples are complete
   * instead of one frame later. `expectedDuration` stands in for the unknown duration (the previous one);
   * if the real one is longer, addDriverSample still cuts in time.
   */
  announce(next: TimedSample, expectedDuration: number): void {
    if (!this.epoch || !this.segmentOpen || this.driverSamples.length === 0) return;
    if (this.startsSegment(next)) this.plannedCut = { dts: next.dts, closesSegment: true };
    else if (this.partTicks + expectedDuration > this.partTargetTicks) {
      this.plannedCut = { dts: next.dts, closesSegment: false };
    }
    this.cutIfFollowerReady();
  }

  /** Every follower sample decoding before `dts` (follower ticks) has been added. */
  followerReady(dts: number): void {
    this.followerReadyUntil = dts;
    this.cutIfFollowerReady();
  }

  private cutIfFollowerReady(): void {
    const epoch = this.epoch;
    const cut = this.plannedCut;
    if (!epoch || !cut) return;
    const follower = epoch.follower;
    if (follower && this.followerReadyUntil / follower.timescale < cut.dts / epoch.driver.timescale) return;
    this.plannedCut = undefined;
    this.closePart(epoch, cut.dts);
    if (!cut.closesSegment) return;
    this.closeSegment(epoch);
    // Open the next one now (its first decode time is known): the playlist never lacks an open segment.
    this.openSegment(epoch, cut.dts);
  }

  addFollowerSample(sample: TimedSample): void {
    if (this.epoch) this.followerPending.push(sample);
  }

  /** Closes the open part and segment; follower samples not yet placed go into the last part. */
  finish(): void {
    const epoch = this.epoch;
    if (!epoch) return;
    this.plannedCut = undefined;
    this.closePart(epoch, Number.POSITIVE_INFINITY);
    this.closeSegment(epoch);
    this.followerPending = [];
    this.epoch = undefined;
  }

  /** Segments start on a sync sample of the driving track once the target is reached. */
  private startsSegment(sample: TimedSample): boolean {
    return sample.keyframe && sample.dts - this.segmentStartDts >= this.segmentTargetTicks - this.toleranceTicks;
  }

  private openSegment(epoch: EpochStart, firstDts: number): void {
    this.window.openSegment(epoch.initIndex, epoch.discontinuity, epoch.wallClockOf(firstDts));
    epoch.discontinuity = false;
    this.segmentOpen = true;
    this.segmentStartDts = firstDts;
    this.segmentTicks = 0;
    this.segmentSamples = 0;
  }

  private closeSegment(epoch: EpochStart): void {
    if (!this.segmentOpen) return;
    this.segmentOpen = false;
    const ts = epoch.driver.timescale;
    const seconds = this.segmentTicks / ts;
    this.window.completeSegment(seconds);
    if (seconds > 0) this.measuredSampleRate = this.segmentSamples / seconds;
  }

  /** Emits the part holding the driver samples so far and the follower samples decoding before `cutDts`. */
  private closePart(epoch: EpochStart, cutDts: number): void {
    const samples = this.driverSamples;
    const first = samples[0];
    if (first === undefined || !this.segmentOpen) return;
    const runs: TrackRun[] = [{ trackId: epoch.driver.id, baseMediaDecodeTime: first.dts, samples }];
    const follower = epoch.follower;
    if (follower) {
      const cutSeconds = cutDts / epoch.driver.timescale;
      let count = 0;
      for (const sample of this.followerPending) {
        if (sample.dts / follower.timescale >= cutSeconds) break;
        count++;
      }
      const taken = this.followerPending.splice(0, count);
      const firstTaken = taken[0];
      if (firstTaken) runs.push({ trackId: follower.id, baseMediaDecodeTime: firstTaken.dts, samples: taken });
    }
    runs.sort((a, b) => a.trackId - b.trackId);
    this.window.addPart(
      partChunks(writeFragment(this.sequenceNumber++, runs)),
      this.partTicks / epoch.driver.timescale,
      first.keyframe,
    );
    // The part holds its own references now (partChunks); the packager's, taken at push, go.
    for (const run of runs) for (const sample of run.samples) releaseMedia(sample.payload);
    this.segmentTicks += this.partTicks;
    this.segmentSamples += samples.length;
    this.driverSamples = [];
    this.partTicks = 0;
  }
}
