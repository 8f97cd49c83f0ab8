import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ARENA_MAX_CARVE_BYTES,
  ARENA_SLAB_BYTES,
  MAX_POOLED_MESSAGE_BYTES,
  MediaArena,
  OWN_SLAB_STEP_BYTES,
  POISON_BYTE,
  configureMediaBuffers,
  isArenaBacked,
  mediaBufferPool,
  pinMedia,
  releaseMedia,
  retainMedia,
} from './media-arena.js';

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

  it('gives large allocations a pooled slab of their own, and the largest a plain buffer', () => {
    const arena = new MediaArena();
    const small = arena.allocate(100);
    const keyframe = arena.allocate(ARENA_MAX_CARVE_BYTES + 1);
    assert.notEqual(keyframe.buffer, small.buffer);
    assert.equal(keyframe.byteOffset, 0);
    assert.equal(keyframe.buffer.byteLength % OWN_SLAB_STEP_BYTES, 0, 'rounded up to a size class');
    assert.ok(isArenaBacked(keyframe));
    const huge = arena.allocate(MAX_POOLED_MESSAGE_BYTES + 1);
    assert.equal(huge.buffer.byteLength, huge.length);
    assert.equal(isArenaBacked(huge), false);
    assert.equal(isArenaBacked(Buffer.alloc(10)), false);
  });
});

describe('media slab recycling', () => {
  /** Carves until the arena moves to its next slab; returns every carve of the first slab. */
  function fillOneSlab(arena: MediaArena): Buffer[] {
    const carves = [arena.allocate(1000)];
    while (carves.length < ARENA_SLAB_BYTES / 1000) {
      const next = arena.allocate(1000);
      if (next.buffer !== carves[0]!.buffer) return carves.concat([next]);
      carves.push(next);
    }
    throw new Error('the arena never moved on');
  }

  it('hands a slab out again once the arena moved on and every carve was released', () => {
    configureMediaBuffers({ recycle: true, check: false });
    const arena = new MediaArena();
    const carves = fillOneSlab(arena);
    const next = carves.pop()!;
    const slab = carves[0]!.buffer;
    for (const carve of carves) releaseMedia(carve);
    const reused = mediaBufferPool.stats.reused;
    const other = new MediaArena();
    assert.equal(other.allocate(10).buffer, slab, 'the released slab is reused');
    assert.equal(mediaBufferPool.stats.reused, reused + 1);
    assert.notEqual(next.buffer, slab);
  });

  it('keeps a retained slab until the holder releases it, and never recycles a pinned one', () => {
    configureMediaBuffers({ recycle: true, check: false });
    const arena = new MediaArena();
    const carves = fillOneSlab(arena);
    carves.pop();
    const held = carves[3]!;
    retainMedia(held);
    for (const carve of carves) releaseMedia(carve);
    assert.notEqual(new MediaArena().allocate(10).buffer, held.buffer, 'still held: not handed out');
    releaseMedia(held);
    assert.equal(new MediaArena().allocate(10).buffer, held.buffer, 'released by its holder: reused');

    const pinnedCarves = fillOneSlab(new MediaArena());
    pinnedCarves.pop();
    pinMedia(pinnedCarves[0]!);
    for (const carve of pinnedCarves) releaseMedia(carve);
    assert.notEqual(new MediaArena().allocate(10).buffer, pinnedCarves[0]!.buffer, 'pinned: never reused');
  });

  it('gives the arena its slab back on dispose', () => {
    configureMediaBuffers({ recycle: true, check: false });
    const arena = new MediaArena();
    const carve = arena.allocate(100);
    releaseMedia(carve);
    assert.notEqual(new MediaArena().allocate(10).buffer, carve.buffer, 'the arena still carves from it');
    arena.dispose();
    assert.equal(new MediaArena().allocate(10).buffer, carve.buffer);
  });

  it("recycles a large message's own slab by size class once released", () => {
    configureMediaBuffers({ recycle: true, check: false });
    const arena = new MediaArena();
    const keyframe = arena.allocate(ARENA_MAX_CARVE_BYTES * 3 + 5);
    const slab = keyframe.buffer;
    releaseMedia(keyframe);
    const next = arena.allocate(ARENA_MAX_CARVE_BYTES * 3 + 100);
    assert.equal(next.buffer, slab, 'same size class: the same slab');
    assert.equal(next.length, ARENA_MAX_CARVE_BYTES * 3 + 100);
  });

  it('counts the bytes of the slabs in use until their last holder releases them', () => {
    configureMediaBuffers({ recycle: true, check: false });
    const arena = new MediaArena();
    const before = mediaBufferPool.stats.heldBytes;
    const keyframe = arena.allocate(ARENA_MAX_CARVE_BYTES * 2 + 1);
    const own = keyframe.buffer.byteLength;
    assert.equal(mediaBufferPool.stats.heldBytes, before + own);
    retainMedia(keyframe);
    releaseMedia(keyframe);
    assert.equal(mediaBufferPool.stats.heldBytes, before + own, 'a holder is left');
    releaseMedia(keyframe);
    assert.equal(mediaBufferPool.stats.heldBytes, before);
  });

  it('ignores buffers it did not carve', () => {
    const own = Buffer.alloc(10, 7);
    retainMedia(own);
    releaseMedia(own);
    releaseMedia(own);
    pinMedia(own);
    assert.deepEqual(own, Buffer.alloc(10, 7));
  });

  it('in checked mode poisons a released slab, never reuses it, and throws on a release too many', () => {
    configureMediaBuffers({ recycle: true, check: true });
    try {
      const arena = new MediaArena();
      const carves = fillOneSlab(arena);
      carves.pop();
      for (const carve of carves) carve.fill(1);
      for (const carve of carves) releaseMedia(carve);
      assert.ok(
        carves[0]!.every((byte) => byte === POISON_BYTE),
        'a view used after its release reads poison',
      );
      assert.notEqual(new MediaArena().allocate(10).buffer, carves[0]!.buffer);
      const spare = new MediaArena();
      const once = spare.allocate(10);
      spare.dispose();
      releaseMedia(once);
      assert.throws(() => releaseMedia(once), /released more often than it was retained/);
    } finally {
      configureMediaBuffers({ recycle: true, check: false });
    }
  });

  it('allocates every slab afresh with recycling off', () => {
    configureMediaBuffers({ recycle: false, check: false });
    try {
      const arena = new MediaArena();
      const carves = fillOneSlab(arena);
      carves.pop();
      for (const carve of carves) releaseMedia(carve);
      assert.notEqual(new MediaArena().allocate(10).buffer, carves[0]!.buffer);
    } finally {
      configureMediaBuffers({ recycle: true, check: false });
    }
  });
});
