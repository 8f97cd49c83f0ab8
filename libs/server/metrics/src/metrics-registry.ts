import { Injectable } from '@nestjs/common';
import {
  Counter,
  Gauge,
  Histogram,
  register,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';
import { HotCounter, HotHistogram, type HotMetricConfig } from './hot-metrics.js';

export const METRIC_PREFIX = 'rapidrtmp_';

/**
 * Creates (or returns the already registered) project metrics, always prefixed `rapidrtmp_`.
 * Idempotent so modules and tests can ask for the same metric twice. Labels must never carry a
 * stream key or other secret: use playback ids or reasons.
 */
@Injectable()
export class MetricsRegistry {
  counter<L extends string>(config: CounterConfiguration<L>): Counter<L> {
    return this.getOrCreate(config.name, () => new Counter({ ...config, name: METRIC_PREFIX + config.name }));
  }

  gauge<L extends string>(config: GaugeConfiguration<L>): Gauge<L> {
    return this.getOrCreate(config.name, () => new Gauge({ ...config, name: METRIC_PREFIX + config.name }));
  }

  histogram<L extends string>(config: HistogramConfiguration<L>): Histogram<L> {
    return this.getOrCreate(config.name, () => new Histogram({ ...config, name: METRIC_PREFIX + config.name }));
  }

  /** A counter for the request path: `labels(...).inc()` adds to a plain number (see HotMetric). */
  hotCounter(config: HotMetricConfig): HotCounter {
    return this.getOrCreate(config.name, () =>
      registered(new HotCounter(METRIC_PREFIX + config.name, config.help, config.labelNames)),
    );
  }

  /** A histogram for the request path: `labels(...).observe(v)` adds to plain numbers (see HotMetric). */
  hotHistogram(config: HotMetricConfig & { buckets: readonly number[] }): HotHistogram {
    return this.getOrCreate(config.name, () =>
      registered(new HotHistogram(METRIC_PREFIX + config.name, config.help, config.labelNames, config.buckets)),
    );
  }

  private getOrCreate<M>(name: string, create: () => M): M {
    return (register.getSingleMetric(METRIC_PREFIX + name) as M | undefined) ?? create();
  }
}

/** prom-client's own metrics register themselves; hot metrics are registered here, once (getOrCreate). */
function registered<M extends HotCounter | HotHistogram>(metric: M): M {
  register.registerMetric(metric as never);
  return metric;
}
