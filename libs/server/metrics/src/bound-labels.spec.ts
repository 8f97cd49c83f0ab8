import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { BoundLabels } from './bound-labels.js';

describe('BoundLabels', () => {
  it('binds each label combination once and counts into the same series as labelled calls', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'requests', help: 'h', labelNames: ['kind', 'status'], registers: [registry] });
    let binds = 0;
    const bound = new BoundLabels((kind, status) => {
      binds++;
      return counter.labels(kind, status);
    });
    bound.get('part', '200').inc();
    bound.get('part', '200').inc();
    bound.get('part', '404').inc();
    counter.inc({ kind: 'part', status: '200' });
    assert.equal(binds, 2);
    const values = (await counter.get()).values.map((v) => [v.labels.kind, v.labels.status, v.value]);
    assert.deepEqual(values, [
      ['part', '200', 3],
      ['part', '404', 1],
    ]);
  });

  it('keeps one, two and three label values apart, whatever they contain', () => {
    const bound = new BoundLabels((...values) => values.join('|'));
    assert.equal(bound.get('a'), 'a');
    assert.equal(bound.get('a', 'b'), 'a|b');
    assert.equal(bound.get('a', 'b', 'c'), 'a|b|c');
    assert.equal(bound.get('a\u0000b', 'c'), 'a\u0000b|c');
    assert.equal(bound.get('a', '\u0000b|c'), 'a|\u0000b|c');
    assert.equal(bound.get('a', 'b'), 'a|b', 'the same child again');
  });
});
