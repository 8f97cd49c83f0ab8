/** How far a timestamp may fall behind the last one sent before it counts as a jump back, not jitter. */
export const MAX_TIMESTAMP_JITTER_MS = 1000;

/**
 * One non-decreasing millisecond timeline for the tags of an FLV stream (or an RTMP play), as FLV needs
 * and players expect: audio and video arrive interleaved with small decode-time inversions between the
 * tracks, which are clamped to the last time sent; a real jump back (a publisher's clock reset) moves an
 * offset so the timeline continues from where it was. The stream's own times are kept otherwise, so a
 * player joining at minute 30 sees minute 30.
 */
export class FlvTimeline {
  private offset = 0;
  private last: number | undefined;
  /** Tags whose time was raised to keep the timeline from going back. */
  clamped = 0;

  /** The time of the latest tag; undefined before the first. */
  get current(): number | undefined {
    return this.last;
  }

  /** The time to send a tag stamped `milliseconds` at. */
  stamp(milliseconds: number): number {
    let time = milliseconds + this.offset;
    const last = this.last;
    if (last !== undefined && time < last) {
      if (time < last - MAX_TIMESTAMP_JITTER_MS) this.offset += last - time;
      else this.clamped++;
      time = last;
    }
    this.last = time;
    return time;
  }
}
