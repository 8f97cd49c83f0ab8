// One connection's reassembled media messages carved out of shared slabs instead of one allocation each.
//
// A fresh ArrayBuffer per message (malloc, V8's external-memory accounting, an ArrayBuffer object for
// the GC to track and sweep) showed in the live server's profile as the largest single cost of RTMP
// ingest. Messages of one stream arrive in order and leave the live window in order, so slabs of
// consecutive messages die together: a slab outlives its last message by at most its own size.

/**
 * Slab size: about 0.2 s of a 2.5 Mbit/s stream. Under glibc's mmap threshold (128 KiB), so malloc recycles
 * freed slabs instead of mapping fresh pages that fault in on the first copy: copying into 64 KiB slabs
 * measured 0.18 ms per MB against 0.42 ms with 128 KiB ones, and the copy was ~10 % of the live server's
 * main thread at N = 25.
 */
export const ARENA_SLAB_BYTES = 64 * 1024;
/** Larger messages (keyframes) get a buffer of their own: a slab would hold only a few of them. */
export const ARENA_MAX_CARVE_BYTES = ARENA_SLAB_BYTES / 4;

const slabs = new WeakSet<ArrayBufferLike>();

/**
 * True when `bytes` was carved from a MediaArena slab: a view worth keeping as it is, since the rest of
 * its slab is the same stream's neighbouring media (see the part builder in @rapidrtmp/hls).
 */
export function isArenaBacked(bytes: Uint8Array): boolean {
  return slabs.has(bytes.buffer);
}

/** Bump allocator over slabs; nothing is freed explicitly (slabs go with their last view). */
export class MediaArena {
  private slab: Buffer | undefined;
  private used = 0;

  constructor(
    private readonly slabBytes = ARENA_SLAB_BYTES,
    private readonly maxCarveBytes = ARENA_MAX_CARVE_BYTES,
  ) {}

  /** `size` uninitialized bytes the caller fills. */
  allocate(size: number): Buffer {
    // allocUnsafeSlow: never Buffer's shared 8 KiB pool, which would tie unrelated data together.
    if (size > this.maxCarveBytes) return Buffer.allocUnsafeSlow(size);
    if (!this.slab || this.used + size > this.slabBytes) {
      this.slab = Buffer.allocUnsafeSlow(this.slabBytes);
      slabs.add(this.slab.buffer);
      this.used = 0;
    }
    const carved = this.slab.subarray(this.used, this.used + size);
    this.used += size;
    return carved;
  }
}
