import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelayMs } from './index.js';

const exact = { jitter: false };

describe('backoffDelayMs', () => {
  it('doubles from the base after each failed attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, 1000, 600_000, exact)),
      [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000],
    );
  });

  it('is capped, zero before any attempt, and stays finite for absurd attempt counts', () => {
    assert.equal(backoffDelayMs(12, 1000, 60_000, exact), 60_000);
    assert.equal(backoffDelayMs(10_000, 1000, 60_000, exact), 60_000);
    assert.equal(backoffDelayMs(0, 1000, 60_000, exact), 0);
    assert.equal(backoffDelayMs(0, 1000, 60_000), 0);
    assert.equal(backoffDelayMs(10_000, 1000, 60_000, { random: () => 0.999 }), 59_970);
  });

  it('jitters by default: between half the exponential delay and all of it', () => {
    assert.deepEqual(
      [0, 0.5, 0.999].map((r) => backoffDelayMs(3, 250, 8000, { random: () => r })),
      [500, 750, 1000],
    );
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelayMs(5, 250, 8000);
      assert.ok(delay >= 2000 && delay <= 4000, `${delay}`);
    }
  });
});
