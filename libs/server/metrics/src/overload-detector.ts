/** Event-loop delay over one window, as `monitorEventLoopDelay` reports it (ms). */
export interface DelaySample {
  p99Ms: number;
  maxMs: number;
}

export type OverloadChange = { overloaded: true; sample: DelaySample } | { overloaded: false; sample: DelaySample };

/**
 * Decides when the process cannot keep up: the event loop's p99 delay above `thresholdMs` for
 * `windows` windows in a row turns it overloaded; one window back under half the threshold turns it back
 * (hysteresis, so a loaded node does not flap). Pure: fed one sample per window, it returns a change or
 * nothing.
 */
export class OverloadDetector {
  overloaded = false;
  private above = 0;

  constructor(
    private readonly thresholdMs: number,
    private readonly windows = 2,
  ) {}

  sample(sample: DelaySample): OverloadChange | undefined {
    if (!this.overloaded) {
      this.above = sample.p99Ms > this.thresholdMs ? this.above + 1 : 0;
      if (this.above < this.windows) return undefined;
      this.overloaded = true;
      return { overloaded: true, sample };
    }
    if (sample.p99Ms >= this.thresholdMs / 2) return undefined;
    this.overloaded = false;
    this.above = 0;
    return { overloaded: false, sample };
  }
}
