import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SegmentRecord } from '@rapidrtmp/hls';
import { releaseAllMedia, retainAllMedia } from '@rapidrtmp/media-core';
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
}

export interface LiveSpillCounters {
  stored: number;
  failed: number;
  skipped: number;
  removed: number;
}

interface SpilledSession {
  dir: string;
  ready: Promise<void> | undefined;
  /** Segments written (or being written), oldest first: the oldest go once there are more than keepSegments. */
  segments: Array<{ name: string; written: Promise<boolean> }>;
}

/**
 * The live window of streams that are not recorded, on local disk: parts past the newest HLS_MEMORY_SEGMENTS
 * segments' worth leave memory once their segment is written here, and are read back from here (through the
 * cached archive) until they leave the window. Ephemeral by design: no fsync (a crash loses the stream
 * anyway), no object store, one folder per stream session removed a while after the stream ends. Recorded
 * sessions never come here: the recorder's copy serves the same purpose and outlives the stream.
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
    this.sessions.set(id, { dir: join(this.options.dir, id), ready: undefined, segments: [] });
  }

  keeps(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }

  storeInit(sessionId: string, name: string, data: Buffer): void {
    const session = this.sessions.get(sessionId);
    if (session) void this.write(session, name, [data]);
  }

  storeSegment(sessionId: string, segment: SegmentRecord, _initName: string, onStored?: () => void): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    // The chunks are the segment's own buffers (its parts): written as they are, no concatenation.
    const written = this.write(session, segment.name, [...segment.chunks]);
    void written.then((stored) => {
      if (stored) onStored?.();
    });
    session.segments.push({ name: segment.name, written });
    while (session.segments.length > this.options.keepSegments) {
      const oldest = session.segments.shift();
      if (!oldest) break;
      // After its write has finished, or the removal could run first and the write recreate the file.
      void oldest.written
        .then(() => rm(join(session.dir, oldest.name), { force: true }))
        .then(() => this.counters.removed++);
    }
  }

  async read(sessionId: string, name: string): Promise<Buffer | undefined> {
    const session = this.sessions.get(sessionId);
    if (!session) return undefined;
    try {
      return await readFile(join(session.dir, name));
    } catch {
      return undefined; // removed meanwhile (left the window) or never written
    }
  }

  /** The stream ended: its files go once players have had time to finish the ended playlist. */
  ended(sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    setTimeout(() => {
      this.sessions.delete(sessionId);
      void rm(session.dir, { recursive: true, force: true });
    }, this.options.endedRetentionMs).unref();
  }

  /** Removes every session's files now (shutdown); a spill that never wrote touches nothing. */
  async clear(): Promise<void> {
    this.sessions.clear();
    if (!this.wiped) return;
    await this.wiped;
    await rm(this.options.dir, { recursive: true, force: true }).catch(() => undefined);
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
      await this.wipe();
      session.ready ??= mkdir(session.dir, { recursive: true }).then(() => undefined);
      await session.ready;
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
