import type { SegmentRecord } from '@rapidrtmp/hls';
import type { LiveStream } from '@rapidrtmp/server-streams';
import { Coalescer, ImmutableCache } from './immutable-cache.js';
import type { SegmentArchive } from './segment-archive.js';

/**
 * The archive as delivery reads it: segments that left memory (HLS_MEMORY_SEGMENTS) or the window are read
 * back from storage once, then served from a byte-bounded LRU cache; viewers asking for the same object
 * at once share one read.
 */
export class CachedArchive implements SegmentArchive {
  private readonly cache: ImmutableCache;
  private readonly reads = new Coalescer<Buffer | undefined>();

  constructor(
    private readonly archive: SegmentArchive,
    cacheBytes: number,
  ) {
    this.cache = new ImmutableCache(cacheBytes);
  }

  begin(stream: LiveStream): void {
    this.archive.begin(stream);
  }

  storeInit(sessionId: string, name: string, data: Buffer): void {
    this.archive.storeInit(sessionId, name, data);
  }

  storeSegment(sessionId: string, segment: SegmentRecord, initName: string, onStored?: () => void): void {
    this.archive.storeSegment(sessionId, segment, initName, onStored);
  }

  async read(sessionId: string, name: string): Promise<Buffer | undefined> {
    const key = `${sessionId}/${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const data = await this.reads.run(key, () => this.archive.read(sessionId, name)).value;
    if (data) this.cache.set(key, data);
    return data;
  }
}
