import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatExtinf, minimumTargetDuration, roundedExtinf } from './media-segment.js';

describe('EXTINF and the target duration (RFC 8216bis 4.4.3.1)', () => {
  it('rounds the duration as printed, not the float', () => {
    assert.equal(formatExtinf(2.4999996), '2.50000');
    assert.equal(roundedExtinf(2.4999996), 3);
    assert.equal(Math.round(2.4999996), 2, 'what rounding the float would have said');
    assert.equal(roundedExtinf(2.002), 2);
    assert.equal(roundedExtinf(0.068), 0);
  });

  it('gives the smallest valid target, at least 1, for any number of segments', () => {
    assert.equal(minimumTargetDuration([]), 1);
    assert.equal(minimumTargetDuration([0.068]), 1);
    assert.equal(minimumTargetDuration([2, 2.002, 2.4999996, 1.5]), 3);
    // A multi-day recording: no argument spread, so no stack overflow.
    const durations = new Array<number>(300_000).fill(2);
    durations[123_456] = 4.2;
    assert.equal(minimumTargetDuration(durations), 4);
  });
});
