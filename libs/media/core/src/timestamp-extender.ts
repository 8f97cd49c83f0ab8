const TWO_POW_32 = 0x1_0000_0000;

export interface TimestampExtenderOptions {
  /** A step back of at most this many ms is jitter: held at the last value. Default 1000. */
  maxBackwardJitterMs?: number;
}

/**
 * Turns 32-bit RTMP/FLV millisecond timestamps into a monotonic timeline on a JS number (exact to 2^53).
 * Use one per track: a track's decode timestamps only move forward, while audio and video interleave
 * out of order. The step between two timestamps is taken modulo 2^32 as a signed 32-bit value, so the
 * wrap after ~49.7 days (RTMP 5.3.1.2.1 / 6.1.1) reads as a small step forward. Small steps back (encoder
 * jitter) return the last value without moving the reference; larger steps back (a publisher that
 * restarted its clock) continue the timeline from the last value, and `discontinuities` counts them.
 */
export class TimestampExtender {
  private readonly maxBackwardJitter: number;
  private lastRaw: number | undefined;
  private lastExtended = 0;
  private resets = 0;

  constructor(options: TimestampExtenderOptions = {}) {
    this.maxBackwardJitter = options.maxBackwardJitterMs ?? 1000;
  }

  get discontinuities(): number {
    return this.resets;
  }

  extend(timestamp: number): number {
    const raw = timestamp >>> 0;
    if (this.lastRaw === undefined) {
      this.lastRaw = raw;
      this.lastExtended = raw;
      return raw;
    }
    const step = ((raw - this.lastRaw + TWO_POW_32) % TWO_POW_32) | 0; // signed 32-bit difference
    if (step >= 0) {
      this.lastRaw = raw;
      this.lastExtended += step;
      return this.lastExtended;
    }
    if (-step > this.maxBackwardJitter) {
      this.resets++;
      this.lastRaw = raw;
    }
    return this.lastExtended;
  }
}
