import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimestampExtender } from './index.js';

const W = 2 ** 32;

describe('TimestampExtender', () => {
  it('passes increasing timestamps through', () => {
    const clock = new TimestampExtender();
    assert.deepEqual(
      [0, 33, 67, 100].map((t) => clock.extend(t)),
      [0, 33, 67, 100],
    );
  });

  it('continues past the 32-bit wrap (~49.7 days), lap after lap', () => {
    const clock = new TimestampExtender();
    const values = [0xffffff00, 0xffffffff, 0x10, 0x1000].map((t) => clock.extend(t));
    assert.deepEqual(values, [0xffffff00, 0xffffffff, W + 0x10, W + 0x1000]);
    for (let lap = 0; lap < 3; lap++) {
      for (const quarter of [0x40000000, 0x80000000, 0xc0000000, 0]) clock.extend(quarter);
    }
    assert.equal(clock.extend(5), 4 * W + 5);
  });

  it('holds small steps back on either side of the wrap and still moves forward across it', () => {
    const clock = new TimestampExtender();
    assert.deepEqual(
      [W - 100, W - 50, W - 60, 10, 5, 40].map((t) => clock.extend(t)),
      [W - 100, W - 50, W - 50, W + 10, W + 10, W + 40],
    );
    assert.equal(clock.discontinuities, 0);
  });

  it('holds small steps back without shifting the timeline', () => {
    const clock = new TimestampExtender({ maxBackwardJitterMs: 100 });
    assert.deepEqual(
      [1000, 990, 1020].map((t) => clock.extend(t)),
      [1000, 1000, 1020],
    );
    assert.equal(clock.discontinuities, 0);
  });

  it('continues from the last value after a large step back (publisher clock reset on reconnect)', () => {
    const clock = new TimestampExtender({ maxBackwardJitterMs: 100 });
    assert.deepEqual(
      [50_000, 50_040, 0, 40].map((t) => clock.extend(t)),
      [50_000, 50_040, 50_040, 50_080],
    );
    assert.equal(clock.discontinuities, 1);
  });

  it('continues from the last value after a reset just past the wrap', () => {
    const clock = new TimestampExtender({ maxBackwardJitterMs: 100 });
    assert.deepEqual(
      [W - 40, 0, 20, 1000, 0, 40].map((t) => clock.extend(t)),
      [W - 40, W, W + 20, W + 1000, W + 1000, W + 1040],
    );
    assert.equal(clock.discontinuities, 1);
  });
});
