import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ViewerPool, ViewerTracker, viewerKey } from './viewer-tracker.js';

function clock() {
  let now = 1_000_000;
  return { now: () => now, later: (ms: number) => (now += ms) };
}

describe('ViewerTracker', () => {
  it('keys a viewer on its address and a short digest of its User-Agent, however long', () => {
    const huge = 'Mozilla/5.0 '.repeat(100_000);
    const key = viewerKey('2001:db8::1', huge);
    assert.ok(key.length <= 64 + 1 + 16, `${key.length} characters`);
    assert.equal(key, viewerKey('2001:db8::1', huge), 'the same viewer keeps its key');
    assert.notEqual(key, viewerKey('2001:db8::1', `${huge}x`));
    assert.notEqual(key, viewerKey('2001:db8::2', huge));
    assert.equal(viewerKey('10.0.0.1', undefined), '10.0.0.1 -');
  });

  it('stores an over-long key as its digest', () => {
    const time = clock();
    const tracker = new ViewerTracker(time.now, new ViewerPool());
    const raw = 'x'.repeat(1_000_000);
    tracker.touch(raw);
    assert.equal(tracker.count(), 1);
    assert.equal(tracker.has(raw), true);
  });

  it('counts distinct viewers seen in the last 30 s', () => {
    const time = clock();
    const tracker = new ViewerTracker(time.now, new ViewerPool());
    tracker.touch('a');
    tracker.touch('a');
    tracker.touch('b');
    assert.equal(tracker.count(), 2);
    time.later(20_000);
    tracker.touch('b');
    time.later(15_000);
    assert.equal(tracker.count(), 1, 'a left the window');
  });

  it('bounds the viewers of one stream, forgetting the least recently seen', () => {
    const time = clock();
    const tracker = new ViewerTracker(time.now, new ViewerPool(1000), 100);
    for (let i = 0; i < 100; i++) tracker.touch(`v${i}`);
    time.later(2000);
    tracker.touch('v0'); // seen again: now the most recent
    for (let i = 100; i < 150; i++) tracker.touch(`v${i}`);
    assert.equal(tracker.count(), 100);
    assert.equal(tracker.has('v0'), true);
    assert.equal(tracker.has('v1'), false, 'the oldest were evicted');
    assert.equal(tracker.has('v149'), true);
  });

  it('bounds viewers over all streams of the node, evicting the least recently seen of any stream', () => {
    const time = clock();
    const pool = new ViewerPool(250);
    const streams = [0, 1, 2].map(() => new ViewerTracker(time.now, pool, 1000));
    streams.forEach((tracker, s) => {
      for (let i = 0; i < 100; i++) tracker.touch(`s${s}-v${i}`);
    });
    assert.equal(pool.size, 250);
    assert.deepEqual(
      streams.map((t) => t.count()),
      [50, 100, 100],
    );
    assert.equal(streams[0]!.has('s0-v49'), false);
    assert.equal(streams[0]!.has('s0-v50'), true);
  });

  it('lets the entries of a stream nobody asks about expire while others are touched', () => {
    const time = clock();
    const pool = new ViewerPool(1000);
    const gone = new ViewerTracker(time.now, pool);
    for (let i = 0; i < 100; i++) gone.touch(`old${i}`);
    time.later(31_000);
    new ViewerTracker(time.now, pool).touch('fresh');
    assert.equal(pool.size, 1);
  });
});
