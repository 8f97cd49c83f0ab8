import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from './metrics-registry.js';
import { OverloadDetector } from './overload-detector.js';

/** One window of event-loop delay measurement. */
const WINDOW_MS = 5_000;
/** p99 event-loop delay that means the node is not keeping up (media is 33 ms a frame; parts are 500 ms). */
const THRESHOLD_MS = 200;
/**
 * How often event-loop delay is sampled, here and for Node's nodejs_eventloop_lag_* (a timer wake-up each):
 * half the threshold is enough to see a loop that stays 200 ms late, where 10 + 20 ms woke an idle server
 * 150 times a second for nothing.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** Node records each sample as the whole time since the last one (ns): the sampling period itself is not delay. */
function lateMs(recordedNs: number): number {
  return Math.max(0, recordedNs / 1e6 - EVENT_LOOP_SAMPLE_MS);
}

/**
 * Says when this node cannot keep up, in the log (once per change) and in metrics
 * (`rapidrtmp_overloaded` 0/1, `rapidrtmp_overload_episodes_total`, `rapidrtmp_event_loop_delay_p99_seconds`),
 * so operators move publishers or add nodes before viewers stall.
 */
@Injectable()
export class OverloadMonitor implements OnModuleInit, OnModuleDestroy {
  private histogram: IntervalHistogram | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly detector = new OverloadDetector(THRESHOLD_MS);
  private readonly log: Logger;

  constructor(
    private readonly metrics: MetricsRegistry,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'overload' });
  }

  onModuleInit(): void {
    const overloaded = this.metrics.gauge({ name: 'overloaded', help: '1 while the event loop cannot keep up' });
    const episodes = this.metrics.counter({
      name: 'overload_episodes_total',
      help: 'Times the event loop delay stayed above the overload threshold',
    });
    const delay = this.metrics.gauge({
      name: 'event_loop_delay_p99_seconds',
      help: 'p99 event-loop delay over the last 5 s',
    });
    overloaded.set(0);
    const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
    histogram.enable();
    this.histogram = histogram;
    this.timer = setInterval(() => {
      const sample = { p99Ms: lateMs(histogram.percentile(99)), maxMs: lateMs(histogram.max) };
      histogram.reset();
      delay.set(sample.p99Ms / 1000);
      const change = this.detector.sample(sample);
      if (!change) return;
      overloaded.set(change.overloaded ? 1 : 0);
      if (change.overloaded) {
        episodes.inc();
        this.log.warn(
          { p99Ms: Math.round(sample.p99Ms), maxMs: Math.round(sample.maxMs) },
          'overloaded: the event loop is falling behind (viewers may stall; move publishers or add a node)',
        );
      } else {
        this.log.info({ p99Ms: Math.round(sample.p99Ms) }, 'keeping up again');
      }
    }, WINDOW_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.histogram?.disable();
  }
}
