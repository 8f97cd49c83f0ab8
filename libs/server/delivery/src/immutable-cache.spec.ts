import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Coalescer, ImmutableCache } from './immutable-cache.js';

describe('edge cache and coalescing', () => {
  it('keeps the most recently used objects within the byte bound', () => {
    const cache = new ImmutableCache(100);
    cache.set('a', Buffer.alloc(20));
    cache.set('b', Buffer.alloc(20));
    cache.set('c', Buffer.alloc(20));
    assert.ok(cache.get('a'), 'a hit makes "a" the newest');
    cache.set('d', Buffer.alloc(20));
    cache.set('e', Buffer.alloc(20));
    cache.set('f', Buffer.alloc(20));
    assert.equal(cache.get('b'), undefined, 'the least recently used goes first');
    assert.ok(cache.get('a') && cache.get('f'));
    assert.ok(cache.size.bytes <= 100);
    cache.set('huge', Buffer.alloc(60));
    assert.equal(cache.get('huge'), undefined, 'an object over a quarter of the cache is not kept');
  });

  it('makes one upstream call per key in flight, and reuses an answer within its window', async () => {
    const coalescer = new Coalescer<number>();
    let calls = 0;
    let release!: (n: number) => void;
    const fetch = () => {
      calls++;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const first = coalescer.run('k', fetch, 50);
    const second = coalescer.run('k', fetch, 50);
    assert.equal(second.shared, true);
    release(7);
    assert.deepEqual(await Promise.all([first.value, second.value]), [7, 7]);
    const later = coalescer.run('k', fetch, 50);
    assert.equal(later.shared, true, 'asked again after the answer arrived, within the window');
    assert.equal(await later.value, 7);
    assert.equal(calls, 1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    const expired = coalescer.run('k', async () => (calls++, 8), 50);
    assert.equal(await expired.value, 8);
    assert.equal(calls, 2);
  });

  it('does not keep failures, and sweeps expired answers as it grows', async () => {
    const coalescer = new Coalescer<number>(100);
    const failed = coalescer.run('x', async () => Promise.reject(new Error('down')), 1000);
    await assert.rejects(failed.value);
    assert.equal(coalescer.run('x', async () => 1, 1000).shared, false, 'a failure is asked again');
    for (let i = 0; i < 300; i++) await coalescer.run(`k${i}`, async () => i, 1).value;
    await new Promise((resolve) => setTimeout(resolve, 5));
    for (let i = 0; i < 20; i++) await coalescer.run(`n${i}`, async () => i, 1000).value;
    assert.ok((coalescer as unknown as { recent: Map<string, unknown> }).recent.size <= 100);
  });
});
