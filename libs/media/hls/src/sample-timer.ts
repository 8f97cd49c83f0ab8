// Millisecond MediaPackets -> samples with durations on a track timescale.
//
// An fMP4 sample needs its duration (ISO/IEC 14496-12 8.8.8), which RTMP does not carry: each timer holds
// one sample back until the next one shows where it ends. Timelines are epoch based: `start(base,
// originMs)` maps the packet at `originMs` to `base` ticks, so the packager can restart timestamps at a
// discontinuity while keeping every track's decode time increasing.
import type { AudioConfig, MediaPacket } from '@rapidrtmp/media-core';
import type { FragmentSample } from '@rapidrtmp/fmp4';
import { opusPacketSamples } from './opus-packet.js';

/** A sample with its decode time on the track timescale; passed to writeFragment as is. */
export interface TimedSample extends FragmentSample {
  dts: number;
}

export interface SampleTimer {
  readonly timescale: number;
  /** Decode time at which the last emitted sample ends (0 before any). */
  readonly end: number;
  /** Begins an epoch: the packet with dts `originMs` decodes at `base` ticks. Drops any held sample. */
  start(base: number, originMs: number): void;
  /** Takes a packet; returns the previous sample, now complete, if any. */
  push(packet: MediaPacket): TimedSample | undefined;
  /** Completes the held sample with an estimated duration. */
  flush(): TimedSample | undefined;
  /** The sample held back (decode time and sync flag final, duration not yet known), if any. */
  readonly pending: TimedSample | undefined;
  /**
   * The shortest duration the pending sample is likely to get (0 before any sample completed): a cut
   * planned on it is never one the real duration would not have made.
   */
  readonly expectedDuration: number;
}

export const VIDEO_TIMESCALE = 90_000;

/**
 * Video: 90 kHz, so millisecond timestamps convert exactly (x90). Decode times must strictly increase;
 * an encoder's non-monotonic DTS (seen with NVENC/HEVC) is nudged to previous + 1 tick and the lost
 * time moves into the composition offset, so presentation times stay right.
 */
export class VideoSampleTimer implements SampleTimer {
  readonly timescale = VIDEO_TIMESCALE;
  end = 0;
  /** Decode timestamps that had to be moved forward. */
  adjusted = 0;
  private base = 0;
  private originMs = 0;
  private held: TimedSample | undefined;
  private lastDuration = 0;
  private readonly defaultDuration: number;

  constructor(frameRate?: number) {
    this.defaultDuration = frameRate && frameRate > 0 ? Math.round(VIDEO_TIMESCALE / frameRate) : 3000;
  }

  start(base: number, originMs: number): void {
    this.base = base;
    this.originMs = originMs;
    this.held = undefined;
    this.end = Math.max(this.end, base);
  }

  push(packet: MediaPacket): TimedSample | undefined {
    let dts = this.base + Math.round((packet.dts - this.originMs) * 90);
    const pts = this.base + Math.round((packet.pts - this.originMs) * 90);
    const previous = this.held;
    const floor = previous ? previous.dts + 1 : this.end;
    if (dts < floor) {
      dts = floor;
      this.adjusted++;
    }
    const size = packet.payload.length;
    this.held = {
      dts,
      duration: 0,
      size,
      keyframe: packet.keyframe,
      compositionOffset: pts - dts,
      payload: packet.payload,
    };
    if (!previous) return undefined;
    return this.complete(previous, dts - previous.dts);
  }

  flush(): TimedSample | undefined {
    const held = this.held;
    this.held = undefined;
    return held ? this.complete(held, this.lastDuration || this.defaultDuration) : undefined;
  }

  get pending(): TimedSample | undefined {
    return this.held;
  }

  /** RTMP times are whole milliseconds: at 30 fps durations alternate 33/34 ms, so expect 1 ms less. */
  get expectedDuration(): number {
    return Math.max(0, this.lastDuration - VIDEO_TIMESCALE / 1000);
  }

  private complete(sample: TimedSample, duration: number): TimedSample {
    sample.duration = duration;
    this.lastDuration = duration;
    this.end = sample.dts + duration;
    return sample;
  }
}

/** Re-anchor when the RTMP clock and the sample count disagree by more than this many frames. */
const DRIFT_FRAMES = 2;

/**
 * Audio: timescale = sample rate and decode times counted in samples (1024 per AAC frame, the TOC's
 * count for Opus), because millisecond timestamps are rounded (23.22 ms AAC frames at 44.1 kHz) and
 * summing them would drift. The count is checked against the RTMP clock: more than ~2 frames ahead of
 * it (a real gap, dropped frames) re-anchors to the clock and the previous sample's duration covers the
 * gap; more than ~2 frames behind it (overlap) drops the packet. Audio therefore never drifts from video.
 */
export class AudioSampleTimer implements SampleTimer {
  readonly timescale: number;
  end = 0;
  /** Gaps re-anchored to the RTMP clock. */
  reanchored = 0;
  /** Packets dropped because they overlapped already-timed audio. */
  dropped = 0;
  private base = 0;
  private originMs = 0;
  private next: number | undefined;
  private held: TimedSample | undefined;
  private heldFrame = 0;
  /** Audio durations are sample counts: exact. */
  expectedDuration = 0;
  private readonly frameSamples: (payload: Buffer) => number;

  constructor(config: AudioConfig) {
    this.timescale = config.sampleRate;
    if (config.codec === 'opus') {
      this.frameSamples = (payload) => opusPacketSamples(payload);
    } else {
      const samples = config.samplesPerFrame || 1024;
      this.frameSamples = () => samples;
    }
  }

  start(base: number, originMs: number): void {
    this.base = base;
    this.originMs = originMs;
    this.held = undefined;
    this.next = undefined;
    this.end = Math.max(this.end, base);
  }

  push(packet: MediaPacket): TimedSample | undefined {
    const frame = this.frameSamples(packet.payload);
    const clock = this.base + Math.round(((packet.dts - this.originMs) * this.timescale) / 1000);
    let dts: number;
    if (this.next === undefined) {
      dts = Math.max(clock, this.end);
    } else {
      const drift = clock - this.next;
      if (drift < -DRIFT_FRAMES * frame) {
        this.dropped++;
        return undefined;
      }
      if (drift > DRIFT_FRAMES * frame) this.reanchored++;
      dts = drift > DRIFT_FRAMES * frame ? clock : this.next;
    }
    this.next = dts + frame;
    const previous = this.held;
    const size = packet.payload.length;
    this.held = { dts, duration: frame, size, keyframe: true, compositionOffset: 0, payload: packet.payload };
    this.heldFrame = frame;
    if (!previous) return undefined;
    previous.duration = dts - previous.dts;
    this.expectedDuration = previous.duration;
    this.end = dts;
    return previous;
  }

  get pending(): TimedSample | undefined {
    return this.held;
  }

  flush(): TimedSample | undefined {
    const held = this.held;
    this.held = undefined;
    this.next = undefined;
    if (!held) return undefined;
    held.duration = this.heldFrame;
    this.end = held.dts + held.duration;
    return held;
  }
}
