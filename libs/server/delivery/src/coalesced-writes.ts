/**
 * Rows keyed by id, the latest one per id, written together once per interval: for state that is rewritten far
 * more often than anyone needs it fresh (a playlist's progress, once per segment per stream), one statement a
 * second instead of one per change. A failed write puts its rows back unless a newer row for the same id came
 * meanwhile; while `paused()` says so (the database is known to be down) nothing is attempted and rows keep
 * collapsing to the latest.
 */
export class CoalescedWrites<T> {
  private pending = new Map<string, T>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly write: (rows: Array<[string, T]>) => Promise<void>,
    private readonly options: { intervalMs: number; paused?: () => boolean },
  ) {}

  /** Rows waiting for the next write. */
  get size(): number {
    return this.pending.size;
  }

  /** Replaces what waits for `id`; written at the next interval. */
  set(id: string, row: T): void {
    this.pending.set(id, row);
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => void this.flush(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  /** Forgets what waits for `id` (a write that supersedes it goes another way). */
  delete(id: string): void {
    this.pending.delete(id);
  }

  /** Writes what waits now (one write at a time; a call during a write waits for it and then writes the rest). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.size === 0) {
      // Nothing changes between writes: no timer until something does.
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.options.paused?.()) return;
    const rows = this.pending;
    this.pending = new Map();
    this.writing = this.write([...rows]).then(
      () => undefined,
      () => {
        for (const [id, row] of rows) if (!this.pending.has(id)) this.pending.set(id, row);
      },
    );
    await this.writing;
    this.writing = undefined;
  }

  /** No more writes from the timer (shutdown); what waits stays unwritten unless flushed. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
