import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARENA_MAX_CARVE_BYTES, ARENA_SLAB_BYTES, MediaArena, isArenaBacked } from './media-arena.js';

describe('MediaArena', () => {
  it('carves consecutive allocations out of one slab, without overlap', () => {
    const arena = new MediaArena();
    const a = arena.allocate(1000).fill(1);
    const b = arena.allocate(3000).fill(2);
    assert.equal(a.buffer, b.buffer, 'one slab');
    assert.equal(a.buffer.byteLength, ARENA_SLAB_BYTES);
    assert.equal(b.byteOffset, a.byteOffset + a.length);
    assert.ok(
      a.every((byte) => byte === 1),
      'filling b did not touch a',
    );
    assert.ok(isArenaBacked(a) && isArenaBacked(b));
  });

  it('starts a new slab when the current one cannot hold the next allocation', () => {
    const arena = new MediaArena();
    const pieces = Array.from({ length: Math.ceil(ARENA_SLAB_BYTES / ARENA_MAX_CARVE_BYTES) + 1 }, () =>
      arena.allocate(ARENA_MAX_CARVE_BYTES),
    );
    const slabs = new Set(pieces.map((piece) => piece.buffer));
    assert.equal(slabs.size, 2);
    for (const piece of pieces) assert.equal(piece.length, ARENA_MAX_CARVE_BYTES);
  });

  it('gives large allocations a buffer of their own, not marked as arena-backed', () => {
    const arena = new MediaArena();
    const keyframe = arena.allocate(ARENA_MAX_CARVE_BYTES + 1);
    assert.equal(keyframe.buffer.byteLength, keyframe.length);
    assert.equal(isArenaBacked(keyframe), false);
    assert.equal(isArenaBacked(Buffer.alloc(10)), false);
  });
});
