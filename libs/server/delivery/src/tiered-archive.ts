import type { PartRecord, SegmentRecord } from '@rapidrtmp/hls';
import { releaseAllMedia, retainAllMedia } from '@rapidrtmp/media-core';
import type { LiveStream } from '@rapidrtmp/server-streams';
import type { LiveSpill } from './live-spill.js';
import type { SegmentArchive, SpilledSegment } from './segment-archive.js';

/** Segments read back from the spill for the recorder at once (streams cut their segments at the same time). */
const MAX_READS_FOR_RECORDING = 2;

/**
 * One archive for delivery, two tiers. Every session's live window grows on this node's disk part by part
 * (the spill), so memory keeps only HLS_MEMORY_SECONDS of parts and what it let go of is read back from
 * there; a recorded session's segments also go to the recorder (the object store, kept as the recording),
 * which serves what has left the spill. The recorder gets each segment once it is complete on disk: read
 * back from the spill when some of its parts already left memory, else straight from memory.
 */
export class TieredArchive implements SegmentArchive {
  /** Recorded sessions, each with its chain of segments on their way to the recorder (kept in order). */
  private readonly recorded = new Map<string, Promise<void>>();
  private readsRunning = 0;
  private readonly readWaiters: Array<() => void> = [];

  constructor(
    private readonly recorder: SegmentArchive | undefined,
    private readonly spill: LiveSpill,
  ) {}

  begin(stream: LiveStream): void {
    // Sessions whose spill is gone (ended a while ago) need no more recording chains.
    for (const id of this.recorded.keys()) if (!this.spill.keeps(id)) this.recorded.delete(id);
    this.spill.begin(stream);
    if (!this.recorder || !stream.info.recordingEnabled) return;
    this.recorder.begin(stream);
    if (!this.recorded.has(stream.info.id)) this.recorded.set(stream.info.id, Promise.resolve());
  }

  storeInit(sessionId: string, name: string, data: Buffer): void {
    this.spill.storeInit(sessionId, name, data);
    if (this.recorded.has(sessionId)) this.recorder?.storeInit(sessionId, name, data);
  }

  storePart(sessionId: string, segmentName: string, part: PartRecord, onStored: () => void): boolean {
    return this.spill.storePart(sessionId, segmentName, part, onStored);
  }

  storeSegment(sessionId: string, segment: SegmentRecord, initName: string, onStored?: () => void): void {
    const chain = this.recorded.get(sessionId);
    const recorder = this.recorder;
    // Taken now: the parts still in memory may leave it once the spill has them.
    const released = segment.releasedParts ?? 0;
    const inMemory = segment.parts.slice(released).flatMap((part) => part.chunks);
    this.spill.storeSegment(sessionId, segment, initName, onStored);
    if (!chain || !recorder) return;
    retainAllMedia(inMemory);
    let read: Promise<Buffer[] | undefined> | undefined;
    let done!: () => void;
    const source: SpilledSegment = {
      // After the segments before it: the recorder takes them in order.
      file: chain.then(() => this.spill.completeFile(sessionId, segment.name)),
      // The parts that left memory are on disk already (they left once written): read back into pooled slabs,
      // a few segments at a time, so recording adds no segment-sized allocation per segment.
      read: () =>
        (read ??= chain.then(async () => {
          const head = released > 0 ? await this.readReleased(sessionId, segment, released) : [];
          return head && [...head, ...inMemory];
        })),
      release: () => {
        void (read ?? Promise.resolve(undefined))
          .then(
            (chunks) => releaseAllMedia(chunks ?? inMemory),
            () => releaseAllMedia(inMemory),
          )
          .finally(done);
      },
    };
    // The next segment's bytes wait for this one's (reads stay in order and few at a time).
    this.recorded.set(sessionId, new Promise<void>((resolve) => (done = resolve)));
    // The recorder takes the segment now (in order; the recording's end waits for it) and its bytes later.
    recorder.storeSegment(sessionId, segment, initName, undefined, source);
  }

  /** Once the recorder is done with every segment handed to it so far (linked, or its bytes read back). */
  async recordingsRead(): Promise<void> {
    await Promise.all(this.recorded.values());
  }

  private async readReleased(
    sessionId: string,
    segment: SegmentRecord,
    released: number,
  ): Promise<Buffer[] | undefined> {
    let prefix = 0;
    for (const part of segment.parts.slice(0, released)) prefix += part.byteLength;
    while (this.readsRunning >= MAX_READS_FOR_RECORDING)
      await new Promise<void>((resolve) => this.readWaiters.push(resolve));
    this.readsRunning++;
    try {
      return await this.spill.readPooled(sessionId, segment.name, prefix);
    } finally {
      this.readsRunning--;
      this.readWaiters.shift()?.();
    }
  }

  read(sessionId: string, name: string): Promise<Buffer | undefined> {
    return this.spill
      .read(sessionId, name)
      .then((data) => data ?? this.recorder?.read(sessionId, name))
      .then((data) => data ?? undefined);
  }

  readRange(sessionId: string, name: string, start: number, end: number): Promise<Buffer | undefined> {
    return this.spill.readRange(sessionId, name, start, end);
  }
}
