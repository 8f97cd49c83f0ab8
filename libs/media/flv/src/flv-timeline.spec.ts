import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlvTimeline } from './flv-timeline.js';

describe('FlvTimeline', () => {
  it('keeps the stream’s own times and clamps small inversions between tracks', () => {
    const timeline = new FlvTimeline();
    assert.equal(timeline.current, undefined);
    const sent = [1_800_000, 1_800_010, 1_799_990, 1_800_033, 1_800_023, 1_800_066].map((t) => timeline.stamp(t));
    assert.deepEqual(sent, [1_800_000, 1_800_010, 1_800_010, 1_800_033, 1_800_033, 1_800_066]);
    assert.equal(timeline.clamped, 2);
    assert.equal(timeline.current, 1_800_066);
  });

  it('continues from the last time after a jump back (a publisher clock reset)', () => {
    const timeline = new FlvTimeline();
    const sent = [50_000, 50_033, 0, 33, 20, 66].map((t) => timeline.stamp(t));
    assert.deepEqual(sent, [50_000, 50_033, 50_033, 50_066, 50_066, 50_099]);
    assert.equal(timeline.clamped, 1, 'the jump itself is not jitter');
  });
});
