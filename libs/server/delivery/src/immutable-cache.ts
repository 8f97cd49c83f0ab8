/**
 * A least-recently-used cache of immutable objects (init segments, segments, parts), bounded in bytes.
 * Map iteration order is insertion order, so re-inserting on a hit keeps the oldest entry first.
 */
export class ImmutableCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): Buffer | undefined {
    const value = this.entries.get(key);
    if (value) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: Buffer): void {
    if (value.length > this.maxBytes / 4) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.bytes -= previous.length;
    }
    this.entries.set(key, value);
    this.bytes += value.length;
    for (const [oldest, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= old.length;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/**
 * Runs one upstream request per key at a time: callers asking for the same object while it is in flight
 * share its outcome (N viewers of one part on an edge make one request to the origin). An answer may be
 * kept for `reuseMs` after it arrived (playlists polled without blocking).
 */
export class Coalescer<T> {
  private readonly inflight = new Map<string, Promise<T>>();
  private readonly recent = new Map<string, { value: T; until: number }>();

  constructor(private readonly maxRecent = 10_000) {}

  run(key: string, fetch: () => Promise<T>, reuseMs = 0): { value: Promise<T>; shared: boolean } {
    const now = Date.now();
    const recent = this.recent.get(key);
    if (recent && recent.until > now) return { value: Promise.resolve(recent.value), shared: true };
    const pending = this.inflight.get(key);
    if (pending) return { value: pending, shared: true };
    const value = fetch().finally(() => this.inflight.delete(key));
    this.inflight.set(key, value);
    if (reuseMs > 0) {
      void value.then(
        (result) => this.keep(key, result, Date.now() + reuseMs),
        () => undefined,
      );
    }
    return { value, shared: false };
  }

  /** Answers expire quickly; expired ones are swept as the map grows, so memory follows the request rate. */
  private keep(key: string, value: T, until: number): void {
    this.recent.delete(key);
    this.recent.set(key, { value, until });
    if (this.recent.size <= this.maxRecent / 10) return;
    const now = Date.now();
    // Insertion order is expiry order for one reuse window: stop at the first live entry.
    for (const [old, entry] of this.recent) {
      if (entry.until > now && this.recent.size <= this.maxRecent) break;
      this.recent.delete(old);
    }
  }
}
