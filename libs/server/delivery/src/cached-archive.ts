import type { PartRecord, SegmentRecord } from '@rapidrtmp/hls';
import type { LiveStream } from '@rapidrtmp/server-streams';
import { Coalescer, ImmutableCache } from './immutable-cache.js';
import type { SegmentArchive } from './segment-archive.js';

/**
 * The archive as delivery reads it: segments and parts that left memory (HLS_MEMORY_SECONDS) or the window are read
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

  storePart(sessionId: string, segmentName: string, part: PartRecord, onStored: () => void): boolean {
    return this.archive.storePart?.(sessionId, segmentName, part, onStored) ?? false;
  }

  read(sessionId: string, name: string): Promise<Buffer | undefined> {
    return this.cached(`${sessionId}/${name}`, () => this.archive.read(sessionId, name));
  }

  /** A part's range is as immutable as a segment once stored: cached the same way. */
  readRange(sessionId: string, name: string, start: number, end: number): Promise<Buffer | undefined> {
    const readRange = this.archive.readRange?.bind(this.archive);
    if (!readRange) return Promise.resolve(undefined);
    return this.cached(`${sessionId}/${name}#${start}-${end}`, () => readRange(sessionId, name, start, end));
  }

  private async cached(key: string, read: () => Promise<Buffer | undefined>): Promise<Buffer | undefined> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const data = await this.reads.run(key, read).value;
    if (data) this.cache.set(key, data);
    return data;
  }
}
