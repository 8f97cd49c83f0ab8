import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaArena } from '@rapidrtmp/media-core';
import { partChunks } from './part-chunks.js';

/** A payload filling a buffer of its own, as a reassembled multi-chunk RTMP message is. */
const owned = (size: number, fill: number): Buffer => Buffer.alloc(size, fill);
/** A payload inside a larger buffer, as an FLV tag is inside a network read. */
const inRead = (size: number, fill: number): Buffer => Buffer.alloc(size * 10, fill).subarray(size, 2 * size);

describe('part chunks', () => {
  it('keeps payloads that own their buffer as views and copies small views of large buffers, run by run', () => {
    const moof = Buffer.from('moof-header-bytes');
    const mdat = Buffer.from('mdat-hdr');
    const video = [owned(9000, 1), inRead(700, 2), inRead(600, 3), owned(5000, 4)];
    const audio = [inRead(380, 5), inRead(370, 6)];
    const fragment = [moof, mdat, ...video, ...audio];

    const { chunks, byteLength } = partChunks(fragment);

    assert.deepEqual(Buffer.concat(chunks), Buffer.concat(fragment), 'the same bytes in the same order');
    assert.equal(byteLength, Buffer.concat(fragment).length);
    // headers | video 0 (view) | video 1+2 (one copy) | video 3 (view) | audio (one copy)
    assert.equal(chunks.length, 5);
    assert.equal(chunks[1], video[0], 'a view, not a copy');
    assert.equal(chunks[3], video[3]);
    for (const copied of [chunks[0]!, chunks[2]!, chunks[4]!]) {
      assert.equal(
        copied.buffer.byteLength,
        copied.byteLength,
        'a copy owns exactly its bytes (no pool, no read buffer)',
      );
    }
  });

  it('copies everything into one buffer when nothing is worth keeping', () => {
    const fragment = [Buffer.from('moof'), Buffer.from('mdat'), inRead(100, 7)];
    const { chunks, byteLength } = partChunks(fragment);
    assert.equal(chunks.length, 1);
    assert.deepEqual(chunks[0], Buffer.concat(fragment));
    assert.equal(byteLength, 108);
  });

  it('keeps views carved from a media arena slab, however small their share of it', () => {
    const arena = new MediaArena();
    const frames = [arena.allocate(4000).fill(1), arena.allocate(6000).fill(2)];
    const { chunks } = partChunks([Buffer.from('moof'), Buffer.from('mdat'), ...frames]);
    assert.equal(chunks.length, 3);
    assert.equal(chunks[1], frames[0], 'a view, not a copy');
    assert.equal(chunks[2], frames[1]);
  });
});
