import { type FileHandle, mkdir, open, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PartRecord, SegmentRecord } from '@rapidrtmp/hls';
import { ARENA_SLAB_BYTES, releaseAllMedia, retainAllMedia, takeMediaSlab } from '@rapidrtmp/media-core';
import type { Logger } from '@rapidrtmp/server-logging';
import { writeAll } from '@rapidrtmp/server-storage';
import type { LiveStream } from '@rapidrtmp/server-streams';
import type { SegmentArchive } from './segment-archive.js';

export interface LiveSpillOptions {
  /** This node's own folder (wiped at start: nothing in it outlives the process that wrote it). */
  dir: string;
  /** Segments kept per session: the live window and a margin for players on a slightly old playlist. */
  keepSegments: number;
  /** How long a session's files stay after its stream ended: players finish an ended playlist. */
  endedRetentionMs: number;
  /** Writes in flight at once; past it a segment stays in memory rather than queue behind a slow disk. */
  maxWrites?: number;
  /** Parts of the open segment written per append (default PARTS_PER_APPEND). */
  partsPerAppend?: number;
}

export interface LiveSpillCounters {
  stored: number;
  failed: number;
  skipped: number;
  removed: number;
}

/** The open segment's file, written part by part as the parts are cut. */
interface GrowingFile {
  name: string;
  handle: Promise<FileHandle | undefined>;
  /** The last queued write (they run in order); false once one failed. */
  chain: Promise<boolean>;
  /** The index the next part must have to be appended. */
  nextIndex: number;
  /** A part was not taken: the rest of the segment is appended by storeSegment, from memory. */
  refused: boolean;
  /** Appends queued and not finished. */
  queued: number;
  /** Parts taken but not yet appended (written PARTS_PER_APPEND at a time), and who to tell once they are. */
  batch: Buffer[];
  batchStored: Array<() => void>;
}

/**
 * Parts written per append: each append is a trip through libuv's thread pool, so two parts at a time halve
 * what spilling costs the server for a part's more in memory (about 0.25 s of media).
 */
export const PARTS_PER_APPEND = 2;

/**
 * Part appends queued per stream before the next part is refused (its segment then stays in memory until it
 * ends): a disk slower than the stream bounds what waits for it, and a burst (a publisher catching up) too.
 */
const MAX_QUEUED_PART_WRITES = 8;

interface SpilledSession {
  dir: string;
  ready: Promise<void> | undefined;
  /** Segments written (or being written), oldest first: the oldest go once there are more than keepSegments. */
  segments: Array<{ name: string; written: Promise<boolean> }>;
  growing: GrowingFile | undefined;
}

/**
 * The live window of every stream on local disk: each part is appended to its segment's file as it is cut, so
 * parts older than the newest HLS_MEMORY_SECONDS leave memory, and are read back from here (through the cached
 * archive) until they leave the window. Ephemeral by design: no fsync (a crash loses the stream anyway), no
 * object store, one folder per stream session removed a while after the stream ends. A recorded session's
 * complete segments go on to the recorder from here (see TieredArchive), linked into a local store when it can.
 */
export class LiveSpill implements SegmentArchive {
  readonly counters: LiveSpillCounters = { stored: 0, failed: 0, skipped: 0, removed: 0 };
  private readonly sessions = new Map<string, SpilledSession>();
  private readonly maxWrites: number;
  private writes = 0;
  private wiped: Promise<void> | undefined;

  constructor(
    private readonly options: LiveSpillOptions,
    private readonly log: Logger,
  ) {
    this.maxWrites = options.maxWrites ?? 64;
  }

  /** Removes what an earlier run of this node left (called once, before the first stream). */
  wipe(): Promise<void> {
    this.wiped ??= rm(this.options.dir, { recursive: true, force: true }).catch((error: unknown) => {
      this.log.warn({ err: error, dir: this.options.dir }, 'could not clear the HLS spill folder');
    });
    return this.wiped;
  }

  begin(stream: LiveStream): void {
    const { id } = stream.info;
    if (this.sessions.has(id)) return;
    this.sessions.set(id, { dir: join(this.options.dir, id), ready: undefined, segments: [], growing: undefined });
  }

  keeps(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  storeInit(sessionId: string, name: string, data: Buffer): void {
    const session = this.sessions.get(sessionId);
    if (session) void this.write(session, name, [data]);
  }

  storePart(sessionId: string, segmentName: string, part: PartRecord, onStored: () => void): boolean {
    const session = this.sessions.get(sessionId);
    if (!session) return false;
    if (session.growing?.name !== segmentName) {
      this.abandonGrowing(session);
      if (part.index !== 0) return false;
      const handle = this.create(session, segmentName);
      session.growing = {
        name: segmentName,
        handle,
        chain: handle.then((opened) => opened !== undefined),
        nextIndex: 0,
        refused: false,
        queued: 0,
        batch: [],
        batchStored: [],
      };
    }
    const file = session.growing;
    if (file.refused || part.index !== file.nextIndex || file.queued >= MAX_QUEUED_PART_WRITES) {
      if (!file.refused) this.counters.skipped++;
      file.refused = true;
      return false;
    }
    file.nextIndex++;
    // Held while it waits for the batch's append (which takes its own hold).
    retainAllMedia(part.chunks);
    file.batch.push(...part.chunks);
    file.batchStored.push(onStored);
    if (file.batchStored.length >= (this.options.partsPerAppend ?? PARTS_PER_APPEND)) void this.flushBatch(file);
    return true;
  }

  /** Appends the batched parts; true once they are written (their callbacks have run). */
  private async flushBatch(file: GrowingFile): Promise<boolean> {
    const { batch, batchStored } = file;
    if (batchStored.length === 0) return file.chain;
    file.batch = [];
    file.batchStored = [];
    const appended = this.append(file, batch);
    releaseAllMedia(batch);
    const stored = await appended;
    if (stored) for (const onStored of batchStored) onStored();
    return stored;
  }

  storeSegment(sessionId: string, segment: SegmentRecord, _initName: string, onStored?: () => void): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    const written =
      session.growing?.name === segment.name
        ? this.completeGrowing(session, segment)
        : this.writeWhole(session, segment);
    void written.then((stored) => {
      if (stored) onStored?.();
    });
    session.segments.push({ name: segment.name, written });
    while (session.segments.length > this.options.keepSegments) {
      const oldest = session.segments.shift();
      if (!oldest) break;
      // After its write has finished, or the removal could run first and the write recreate the file.
      // unlink, not rm: rm stats the path first, a second trip through the thread pool per segment.
      void oldest.written
        .then(() => unlink(join(session.dir, oldest.name)))
        .then(
          () => this.counters.removed++,
          () => undefined, // never written, or its session's folder went first
        );
    }
  }

  /** The chunks are the segment's own buffers (its parts): written as they are, no concatenation. */
  private writeWhole(session: SpilledSession, segment: SegmentRecord): Promise<boolean> {
    return this.write(session, segment.name, [...segment.chunks]);
  }

  /**
   * The parts storePart did not take are still in memory (only stored parts leave it): they are appended,
   * then the file is closed. Counted as one segment stored, as a whole write is.
   */
  private async completeGrowing(session: SpilledSession, segment: SegmentRecord): Promise<boolean> {
    const file = session.growing;
    if (!file) return false;
    session.growing = undefined;
    const batched = this.flushBatch(file);
    const rest = segment.parts.slice(file.nextIndex).flatMap((part) => part.chunks);
    const appended = rest.length > 0 ? await this.append(file, rest) : await batched;
    await (await file.handle)?.close().catch(() => undefined);
    if (appended) this.counters.stored++;
    return appended;
  }

  /** A segment that never completed (its stream moved on to another session's file): its file is closed. */
  private abandonGrowing(session: SpilledSession): void {
    const file = session.growing;
    session.growing = undefined;
    if (file) releaseAllMedia(file.batch);
    if (file) void file.chain.then(() => file.handle).then((handle) => handle?.close().catch(() => undefined));
  }

  private async create(session: SpilledSession, name: string): Promise<FileHandle | undefined> {
    try {
      await this.ensureDir(session);
      return await open(join(session.dir, name), 'w');
    } catch (error) {
      session.ready = undefined;
      this.counters.failed++;
      this.log.warn({ err: error, name }, 'HLS segment not spilled to disk: it stays in memory');
      return undefined;
    }
  }

  /** Appends after the file's queued writes; false if this or an earlier one failed. */
  private append(file: GrowingFile, chunks: Buffer[]): Promise<boolean> {
    file.queued++;
    // Before the first await: the window may let the part go while the write is still queued.
    retainAllMedia(chunks);
    const appended = file.chain
      .then(async (ok) => {
        const handle = ok ? await file.handle : undefined;
        if (!handle) return false;
        await writeAll(handle, chunks);
        return true;
      })
      .catch((error: unknown) => {
        this.counters.failed++;
        this.log.warn(
          { err: error, name: file.name },
          'HLS part not spilled to disk: the rest of its segment stays in memory',
        );
        return false;
      })
      .finally(() => {
        file.queued--;
        releaseAllMedia(chunks);
      });
    file.chain = appended;
    return appended;
  }

  async read(sessionId: string, name: string): Promise<Buffer | undefined> {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    // A segment whose parts were stored one by one can be asked for before its last bytes are written.
    const pending = session.segments.find((segment) => segment.name === name);
    if (pending && !(await pending.written)) return undefined;
    try {
      return await readFile(join(session.dir, name));
    } catch {
      return undefined; // removed meanwhile (left the window) or never written
    }
  }

  /**
   * The path of a segment's file once it is whole on disk (undefined if it was not written or is unknown). A
   * complete file is never written again, so a recording may take it as it is (a hard link); leaving the window
   * only removes this folder's name for it.
   */
  async completeFile(sessionId: string, name: string): Promise<string | undefined> {
    const session = this.sessions.get(sessionId);
    const segment = session?.segments.find((candidate) => candidate.name === name);
    if (!session || !segment || !(await segment.written)) return undefined;
    return join(session.dir, name);
  }

  /**
   * Bytes [0, end) of a segment file read into pooled media slabs (one reference each, for the caller to
   * release): for a holder that would otherwise allocate a segment's worth of fresh memory per read.
   */
  async readPooled(sessionId: string, name: string, end: number): Promise<Buffer[] | undefined> {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    const slabs: Buffer[] = [];
    try {
      const handle = await open(join(session.dir, name), 'r');
      try {
        for (let left = end; left > 0; left -= ARENA_SLAB_BYTES) {
          slabs.push(takeMediaSlab().subarray(0, Math.min(left, ARENA_SLAB_BYTES)));
        }
        // One readv for the whole range: a call per slab would be a trip through the thread pool each.
        const { bytesRead } = await handle.readv(slabs, 0);
        if (bytesRead !== end) throw new Error(`${name}: ${bytesRead} of ${end} bytes on disk`);
        return slabs;
      } finally {
        await handle.close();
      }
    } catch {
      releaseAllMedia(slabs);
      return undefined;
    }
  }

  /** Bytes [start, end) of a segment file, the open segment's too (only stored parts are asked for). */
  async readRange(sessionId: string, name: string, start: number, end: number): Promise<Buffer | undefined> {
    const session = this.sessions.get(sessionId);
    if (!session || end <= start) return undefined;
    try {
      const handle = await open(join(session.dir, name), 'r');
      try {
        const bytes = Buffer.allocUnsafeSlow(end - start);
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, start);
        return bytesRead === bytes.length ? bytes : undefined;
      } finally {
        await handle.close();
      }
    } catch {
      return undefined; // removed meanwhile (left the window)
    }
  }

  /** The stream ended: its files go once players have had time to finish the ended playlist. */
  ended(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.abandonGrowing(session);
    setTimeout(() => {
      this.sessions.delete(sessionId);
      void rm(session.dir, { recursive: true, force: true });
    }, this.options.endedRetentionMs).unref();
  }

  /** Removes every session's files now (shutdown); a spill that never wrote touches nothing. */
  async clear(): Promise<void> {
    for (const session of this.sessions.values()) this.abandonGrowing(session);
    this.sessions.clear();
    if (!this.wiped) return;
    await this.wiped;
    await rm(this.options.dir, { recursive: true, force: true }).catch(() => undefined);
  }

  private async ensureDir(session: SpilledSession): Promise<void> {
    await this.wipe();
    session.ready ??= mkdir(session.dir, { recursive: true }).then(() => undefined);
    await session.ready;
  }

  private async write(session: SpilledSession, name: string, chunks: Buffer[]): Promise<boolean> {
    if (this.writes >= this.maxWrites) {
      this.counters.skipped++;
      return false;
    }
    this.writes++;
    // Before the first await: the window may let the segment go while the write is still running.
    retainAllMedia(chunks);
    try {
      await this.ensureDir(session);
      const handle = await open(join(session.dir, name), 'w');
      try {
        await writeAll(handle, chunks);
      } finally {
        await handle.close();
      }
      this.counters.stored++;
      return true;
    } catch (error) {
      session.ready = undefined;
      this.counters.failed++;
      this.log.warn({ err: error, name }, 'HLS segment not spilled to disk: it stays in memory');
      return false;
    } finally {
      this.writes--;
      releaseAllMedia(chunks);
    }
  }
}
