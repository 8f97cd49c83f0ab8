import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { register } from 'prom-client';
import { CountsExporter, MetricsRegistry } from './index.js';

async function values(): Promise<Record<string, number>> {
  const metric = await register.getSingleMetric('rapidrtmp_test_exported_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.reason), v.value]));
}

describe('CountsExporter', () => {
  it('adds what each tracked object gained, at scrape time and when it is released', async () => {
    const exporter = new CountsExporter(new MetricsRegistry(), {
      name: 'test_exported_total',
      help: 'test',
      labelName: 'reason',
    });
    const a = { late: 1, empty: 0 };
    const b = { late: 2, empty: 0 };
    exporter.track(a, () => a);
    exporter.track(b, () => b);
    assert.deepEqual(await values(), { late: 3 });
    a.late = 5;
    b.empty = 1;
    assert.deepEqual(await values(), { late: 7, empty: 1 });
    a.empty = 4;
    exporter.release(a);
    a.empty = 100; // released: no longer read
    assert.deepEqual(await values(), { late: 7, empty: 5 });
  });

  it('reports every exporter of one name, also one made after the counter was registered', async () => {
    const config = { name: 'test_shared_exported_total', help: 'test', labelName: 'reason' };
    const first = new CountsExporter(new MetricsRegistry(), config);
    const second = new CountsExporter(new MetricsRegistry(), config); // a second app in this process
    first.track({}, () => ({ late: 2 }));
    second.track({}, () => ({ late: 3 }));
    const metric = await register.getSingleMetric('rapidrtmp_test_shared_exported_total')!.get();
    assert.deepEqual(
      metric.values.map((v) => [v.labels.reason, v.value]),
      [['late', 5]],
    );
  });
});
