const WRAP = 2 ** 32;
const HALF = 2 ** 31;

/**
 * Extends 32-bit RTMP/FLV millisecond timestamps onto a monotonic-ish 64-bit (float) timeline: the
 * clock wraps after ~49.7 days (RTMP 5.3.1.1). Each input is placed in the 2^32 epoch that lands it
 * closest to the previous output, so small inversions between interleaved audio and video stay
 * inversions and a wrap moves forward. Inputs that are already extended pass through unchanged as long
 * as they stay continuous.
 */
export class TimestampExtender {
  private last: number | undefined;

  extend(timestampMs: number): number {
    const low = ((timestampMs % WRAP) + WRAP) % WRAP;
    if (this.last === undefined) {
      this.last = timestampMs >= 0 ? timestampMs : low;
      return this.last;
    }
    let candidate = Math.floor(this.last / WRAP) * WRAP + low;
    if (candidate - this.last > HALF) candidate -= WRAP;
    else if (this.last - candidate > HALF) candidate += WRAP;
    if (candidate < 0) candidate += WRAP; // never before the first epoch
    this.last = candidate;
    return candidate;
  }
}
