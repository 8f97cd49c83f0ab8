import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunksLength, sliceChunks } from './byte-chunks.js';

const chunks = [Buffer.from('abc'), Buffer.from('defg'), Buffer.from('hi')];
const text = (parts: Buffer[]) => Buffer.concat(parts).toString();

describe('byte chunks', () => {
  it('slices across chunk boundaries as views', () => {
    assert.equal(chunksLength(chunks), 9);
    for (let start = 0; start < 9; start++) {
      for (let end = start; end < 9; end++) {
        assert.equal(text(sliceChunks(chunks, start, end)), 'abcdefghi'.slice(start, end + 1), `${start}-${end}`);
      }
    }
    const [view] = sliceChunks(chunks, 4, 5);
    assert.equal(view!.buffer, chunks[1]!.buffer, 'a view, not a copy');
  });
});
