import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { HotCounter, HotHistogram } from './hot-metrics.js';

/** The exposition text of `metric` alone, as the registry formats it. */
async function exposition(metric: HotCounter | HotHistogram | Counter | Histogram): Promise<string> {
  const registry = new Registry();
  registry.registerMetric(metric as never);
  return registry.metrics();
}

const BUCKETS = [0.001, 0.01, 0.1, 1];

describe('hot metrics', () => {
  it('expose a counter exactly as prom-client does for the same increments', async () => {
    const hot = new HotCounter('t_requests_total', 'requests', ['method', 'status']);
    const reference = new Counter({
      name: 't_requests_total',
      help: 'requests',
      labelNames: ['method', 'status'],
      registers: [],
    });
    for (const [method, status, by] of [
      ['GET', '200', 1],
      ['GET', '200', 2],
      ['GET', '404', 1],
      ['HEAD', '200', 5],
    ] as const) {
      hot.labels(method, status).inc(by);
      reference.labels(method, status).inc(by);
    }
    assert.equal(await exposition(hot), await exposition(reference));
  });

  it('expose a histogram exactly as prom-client does for the same observations', async () => {
    const hot = new HotHistogram('t_duration_seconds', 'duration', ['route'], BUCKETS);
    const reference = new Histogram({
      name: 't_duration_seconds',
      help: 'duration',
      labelNames: ['route'],
      buckets: BUCKETS,
      registers: [],
    });
    for (const [route, seconds] of [
      ['/live', 0.0004],
      ['/live', 0.001], // on a bound: counted in that bucket (le is inclusive)
      ['/live', 0.05],
      ['/live', 7], // past the last bound: only +Inf
      ['/api', 0.2],
    ] as const) {
      hot.labels(route).observe(seconds);
      reference.labels(route).observe(seconds);
    }
    assert.equal(await exposition(hot), await exposition(reference));
  });

  it('bind each label combination once and start from zero after a reset', async () => {
    const hot = new HotCounter('t_bytes_total', 'bytes', []);
    assert.equal(hot.unlabelled(), hot.unlabelled());
    hot.unlabelled().inc(10);
    hot.reset();
    hot.unlabelled().inc(3);
    assert.match(await exposition(hot), /^t_bytes_total 3$/m);
  });
});
