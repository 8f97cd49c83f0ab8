import type { RecordingSegmentEntity } from '@rapidrtmp/server-persistence';
import type { Logger } from '@rapidrtmp/server-logging';

export type SegmentLogRow = RecordingSegmentEntity;

export interface SegmentLogOptions {
  /** How often pending changes are written (one statement for every recording on this node). */
  intervalMs: number;
  /** Rows held in memory at most (a database outage): beyond it the oldest are dropped, with an error. */
  maxRows: number;
  /** Told about each row dropped for want of room (a metric). */
  onDropped?: () => void;
}

const key = (recordingId: string, msn: number) => `${recordingId}/${msn}`;

/**
 * The recordings' segment log, written in batches: every segment row and its state change (stored or
 * failed) from every recording on this node goes out in one upsert per interval, usually as a single
 * row already in its final state, instead of an INSERT and an UPDATE per segment. A recording's rows wait
 * until its recording row exists (`recordingReady`); a failed write keeps them for the next interval.
 */
export class SegmentLog {
  /** Rows not yet written in their final state, by recording/msn, in arrival order. */
  private readonly rows = new Map<string, SegmentLogRow>();
  private readonly dirty = new Set<string>();
  private readonly ready = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failing = false;

  constructor(
    private readonly writeRows: (rows: SegmentLogRow[]) => Promise<void>,
    private readonly options: SegmentLogOptions,
    private readonly log: Logger,
  ) {}

  /** The recording row exists: its segment rows may be written. */
  recordingReady(recordingId: string): void {
    this.ready.add(recordingId);
    this.schedule();
  }

  add(row: SegmentLogRow): void {
    const id = key(row.recordingId, row.msn);
    this.rows.set(id, row);
    this.dirty.add(id);
    this.bound();
    this.schedule();
  }

  settle(recordingId: string, msn: number, state: 'stored' | 'failed'): void {
    const id = key(recordingId, msn);
    const row = this.rows.get(id);
    if (!row) return;
    row.state = state;
    this.dirty.add(id);
    this.schedule();
  }

  /** Writes what is pending now (a recording that ends reads its rows right after). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.dirty.size === 0) return;
    this.running = this.write().finally(() => (this.running = undefined));
    await this.running;
  }

  /** Rows held in memory (written or not): the queue depth during an outage. */
  get size(): number {
    return this.rows.size;
  }

  /** How many of a recording's rows are not yet in the database in their latest state. */
  unwritten(recordingId: string): number {
    let count = 0;
    for (const id of this.dirty) if (this.rows.get(id)?.recordingId === recordingId) count++;
    return count;
  }

  /** The recording ended and its rows are written: nothing more comes for it. */
  forget(recordingId: string): void {
    this.ready.delete(recordingId);
    for (const [id, row] of this.rows) {
      if (row.recordingId === recordingId && !this.dirty.has(id)) this.rows.delete(id);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async write(): Promise<void> {
    const batch: SegmentLogRow[] = [];
    for (const id of this.dirty) {
      const row = this.rows.get(id);
      if (!row) this.dirty.delete(id);
      else if (this.ready.has(row.recordingId)) batch.push({ ...row });
    }
    if (batch.length === 0) return;
    try {
      await this.writeRows(batch);
    } catch (error) {
      if (!this.failing) this.log.error({ err: error, rows: batch.length }, 'segment log not written: retrying');
      this.failing = true;
      this.schedule();
      return;
    }
    if (this.failing) this.log.info({ rows: batch.length }, 'segment log written again');
    this.failing = false;
    for (const written of batch) {
      const id = key(written.recordingId, written.msn);
      const row = this.rows.get(id);
      // A state that changed while the write was in flight stays dirty for the next one.
      if (row?.state !== written.state) continue;
      this.dirty.delete(id);
      if (row.state !== 'pending') this.rows.delete(id);
    }
    if (this.dirty.size > 0) this.schedule();
  }

  private bound(): void {
    if (this.rows.size <= this.options.maxRows) return;
    const [oldest] = this.rows.keys();
    if (oldest === undefined) return;
    this.rows.delete(oldest);
    this.dirty.delete(oldest);
    this.options.onDropped?.();
    this.log.error({ segment: oldest }, 'segment log full (database unreachable?): a segment row was dropped');
  }
}
