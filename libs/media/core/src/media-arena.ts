// One connection's reassembled media messages carved out of shared slabs, and the slabs recycled once
// nothing holds a view of them any more.
//
// A fresh ArrayBuffer per message (malloc, V8's external-memory accounting, an ArrayBuffer object for
// the GC to track and sweep) showed in the live server's profile as the largest single cost of RTMP
// ingest, and ArrayBuffer memory allocated between two full GCs is what starts the next one: media alone
// (~9 MB/s at 25 streams) set the server's mark-compact rate and kept dead media in RSS until it ran.
// Recycled slabs allocate nothing in the steady state.
//
// Ownership is counted per slab. A carve starts with one reference, the caller's (the RTMP session
// releases it once the message has been handled). Whoever keeps a view past that retains it and releases
// it when done (the HLS packager, a part, an HTTP response, a spill write). A holder that does not count
// pins the slab instead: a pinned slab is never recycled and goes with its last view, as every slab did
// before. Releasing too little is therefore harmless (the slab is left to the GC); releasing twice would
// hand out bytes still in use, which the checked mode (MediaBufferPool `check`) makes visible.

/**
 * Slab size: about 0.2 s of a 2.5 Mbit/s stream. Small, because a slab stays whole in memory while any
 * message in it is held: what a stream holds is its live window plus up to a slab at either end.
 */
export const ARENA_SLAB_BYTES = 64 * 1024;
/** Larger messages get a slab of their own (a slab would hold only a few of them), pooled by size class. */
export const ARENA_MAX_CARVE_BYTES = ARENA_SLAB_BYTES / 4;
/** Own slabs are rounded up to this, so that keyframes of similar size share a free list. */
export const OWN_SLAB_STEP_BYTES = 16 * 1024;
/** Messages above this (rare: an 8 MiB message is allowed) get a plain buffer, left to the GC. */
export const MAX_POOLED_MESSAGE_BYTES = 2 * 1024 * 1024;
/** Free slab bytes kept for reuse; past it a released slab is left to the GC (bounds idle memory). */
export const DEFAULT_POOL_MAX_FREE_BYTES = 32 * 1024 * 1024;
/** What a released slab is filled with in checked mode: a view used after its release reads this. */
export const POISON_BYTE = 0xdb;

interface Slab {
  readonly bytes: Buffer;
  /** References: the arena's while it carves from it, one per carved message, and one per retain. */
  refs: number;
  /** A holder that does not count has a view: never recycled. */
  pinned: boolean;
}

export interface MediaBufferPoolOptions {
  /** Reuse released slabs (default true); false allocates every slab afresh, as before recycling. */
  recycle?: boolean;
  maxFreeBytes?: number;
  /**
   * Checked mode (tests): a released slab is poisoned and never reused, and a reference count that
   * would go negative throws, so a view used after its release shows as corrupt media.
   */
  check?: boolean;
}

export interface MediaBufferPoolStats {
  /** Slabs created since start (fresh allocations). */
  allocated: number;
  /** Slabs handed out again from the free list. */
  reused: number;
  /** Slabs that got a holder that does not count (left to the GC). */
  pinned: number;
  /** Slabs waiting in the free lists. */
  free: number;
  /** Their bytes. */
  freeBytes: number;
  /** Releases that found no reference left: a holder released twice (an error; the slab is pinned). */
  overReleased: number;
  /**
   * Bytes of the slabs in use: taken and not yet released by every counted holder (a pinned slab leaves this
   * figure then, and the GC frees it once its other holder is done).
   */
  heldBytes: number;
}

/** The slabs of the process: free ones waiting for reuse, and the reference counts of those in use. */
class MediaBufferPool {
  readonly stats: MediaBufferPoolStats = {
    allocated: 0,
    reused: 0,
    pinned: 0,
    free: 0,
    freeBytes: 0,
    overReleased: 0,
    heldBytes: 0,
  };
  private readonly slabOf = new WeakMap<ArrayBufferLike, Slab>();
  /** Free slabs by size: the arena slab size, and the size classes of own slabs. */
  private readonly freeBySize = new Map<number, Slab[]>();
  private options: Required<MediaBufferPoolOptions> = {
    recycle: true,
    maxFreeBytes: DEFAULT_POOL_MAX_FREE_BYTES,
    check: false,
  };

  configure(options: MediaBufferPoolOptions): void {
    this.options = { ...this.options, ...options };
    if (!this.options.recycle || this.options.check) {
      this.freeBySize.clear();
      this.stats.free = this.stats.freeBytes = 0;
    }
  }

  /** A slab of `size` bytes with one reference (its taker's). */
  take(size: number): Slab {
    this.stats.heldBytes += size;
    const reused = this.freeBySize.get(size)?.pop();
    if (reused) {
      this.stats.free--;
      this.stats.freeBytes -= size;
      this.stats.reused++;
      reused.refs = 1;
      return reused;
    }
    // allocUnsafeSlow: never Buffer's shared 8 KiB pool, which would tie unrelated data together.
    const slab: Slab = { bytes: Buffer.allocUnsafeSlow(size), refs: 1, pinned: false };
    this.slabOf.set(slab.bytes.buffer, slab);
    this.stats.allocated++;
    return slab;
  }

  find(bytes: Uint8Array): Slab | undefined {
    return this.slabOf.get(bytes.buffer);
  }

  release(slab: Slab): void {
    if (slab.refs <= 0) {
      this.stats.overReleased++;
      slab.pinned = true;
      if (this.options.check) throw new Error('media slab released more often than it was retained');
      return;
    }
    if (--slab.refs > 0) return;
    this.stats.heldBytes -= slab.bytes.length;
    if (slab.pinned) return;
    if (this.options.check) {
      // Never reused: whoever still reads a view of it reads poison, not plausible media.
      slab.bytes.fill(POISON_BYTE);
      slab.pinned = true;
      return;
    }
    const size = slab.bytes.length;
    if (this.options.recycle && this.stats.freeBytes + size <= this.options.maxFreeBytes) {
      let free = this.freeBySize.get(size);
      if (!free) this.freeBySize.set(size, (free = []));
      free.push(slab);
      this.stats.free++;
      this.stats.freeBytes += size;
    }
  }

  pin(slab: Slab): void {
    if (slab.pinned) return;
    slab.pinned = true;
    this.stats.pinned++;
  }
}

export const mediaBufferPool = new MediaBufferPool();

/** Sets how the process's media slabs are recycled (at start-up; see MediaBufferPoolOptions). */
export function configureMediaBuffers(options: MediaBufferPoolOptions): void {
  mediaBufferPool.configure(options);
}

/**
 * True when `bytes` was carved from a MediaArena slab: a view worth keeping as it is, since the rest of
 * its slab is the same stream's neighbouring media (see the part builder in @rapidrtmp/hls).
 */
export function isArenaBacked(bytes: Uint8Array): boolean {
  return mediaBufferPool.find(bytes) !== undefined;
}

/** Keeps the slab under `bytes` from being recycled until the matching `releaseMedia`. No-op for other buffers. */
export function retainMedia(bytes: Uint8Array): void {
  const slab = mediaBufferPool.find(bytes);
  if (slab) slab.refs++;
}

/** Gives back one reference taken by `retainMedia` or by the carve itself. No-op for other buffers. */
export function releaseMedia(bytes: Uint8Array): void {
  const slab = mediaBufferPool.find(bytes);
  if (slab) mediaBufferPool.release(slab);
}

/** For holders that do not count: the slab under `bytes` is never recycled. No-op for other buffers. */
export function pinMedia(bytes: Uint8Array): void {
  const slab = mediaBufferPool.find(bytes);
  if (slab) mediaBufferPool.pin(slab);
}

export function retainAllMedia(chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) retainMedia(chunk);
}

export function releaseAllMedia(chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) releaseMedia(chunk);
}

export function pinAllMedia(chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) pinMedia(chunk);
}

/**
 * A pooled buffer of `ARENA_SLAB_BYTES` for media read back (from disk, say) by a holder that counts: it comes
 * with one reference, given back with `releaseMedia` (the slab is then reused). Same size as the arenas'
 * slabs, so it shares their free list.
 */
export function takeMediaSlab(): Buffer {
  return mediaBufferPool.take(ARENA_SLAB_BYTES).bytes;
}

/** A large message's own pooled slab (size rounded up to a class), or a plain buffer past the largest class. */
function ownSlab(size: number): Buffer {
  if (size > MAX_POOLED_MESSAGE_BYTES) return Buffer.allocUnsafeSlow(size);
  const slab = mediaBufferPool.take(Math.ceil(size / OWN_SLAB_STEP_BYTES) * OWN_SLAB_STEP_BYTES);
  return slab.bytes.subarray(0, size);
}

/** Bump allocator over pooled slabs. Each carve carries one reference its caller releases (`releaseMedia`). */
export class MediaArena {
  private slab: Slab | undefined;
  private used = 0;

  constructor(
    private readonly slabBytes = ARENA_SLAB_BYTES,
    private readonly maxCarveBytes = ARENA_MAX_CARVE_BYTES,
  ) {}

  /** `size` uninitialized bytes the caller fills. */
  allocate(size: number): Buffer {
    if (size > this.maxCarveBytes) return ownSlab(size);
    let slab = this.slab;
    if (!slab || this.used + size > this.slabBytes) {
      if (slab) mediaBufferPool.release(slab);
      slab = this.slab = mediaBufferPool.take(this.slabBytes);
      this.used = 0;
    }
    slab.refs++;
    const carved = slab.bytes.subarray(this.used, this.used + size);
    this.used += size;
    return carved;
  }

  /** Gives back the arena's own reference to the slab it carves from (the connection is done). */
  dispose(): void {
    if (this.slab) mediaBufferPool.release(this.slab);
    this.slab = undefined;
  }
}
