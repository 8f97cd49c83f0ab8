import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteRange } from './byte-range.js';

describe('parseByteRange', () => {
  it('reads first-last, open-ended and suffix ranges', () => {
    assert.deepEqual(parseByteRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 });
    assert.deepEqual(parseByteRange('bytes=900-', 1000), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(parseByteRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 });
    assert.deepEqual(parseByteRange('bytes=990-5000', 1000), { kind: 'partial', start: 990, end: 999 });
  });
  it('answers unsatisfiable ranges with 416 material', () => {
    assert.deepEqual(parseByteRange('bytes=1000-', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseByteRange('bytes=5-1', 1000), { kind: 'unsatisfiable' });
    assert.deepEqual(parseByteRange('bytes=-0', 1000), { kind: 'unsatisfiable' });
  });
  it('ignores what it does not understand', () => {
    assert.deepEqual(parseByteRange(undefined, 10), { kind: 'full' });
    assert.deepEqual(parseByteRange('items=0-1', 10), { kind: 'full' });
    assert.deepEqual(parseByteRange('bytes=0-1,5-6', 10), { kind: 'full' });
  });
});
