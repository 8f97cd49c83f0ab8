/**
 * Keeps the writes of one key in order. Every value gets a sequence number (wall clock in µs, so numbers
 * stay above those of an earlier run's spool entries); a value is superseded once a newer one of its key
 * exists. Only keys with values still to upload are tracked: each value holds a reference on its key
 * until it is stored or given up, and the key is forgotten with the last one.
 */
export class KeyVersions {
  private readonly latest = new Map<string, number>();
  private readonly refs = new Map<string, number>();
  /** Keys with an upload running; one per key at a time, so an older value can never land after a newer one. */
  readonly busy = new Set<string>();
  private lastSeq = 0;

  /** Registers a new value of `key` (the newest) and returns its sequence number. */
  next(key: string): number {
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now() * 1000);
    this.latest.set(key, this.lastSeq);
    this.hold(key);
    return this.lastSeq;
  }

  /** Registers a value found in the spool at start-up. */
  adopt(key: string, seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq);
    if (seq > (this.latest.get(key) ?? 0)) this.latest.set(key, seq);
    this.hold(key);
  }

  isSuperseded(key: string, seq: number): boolean {
    return seq < (this.latest.get(key) ?? 0);
  }

  /** One more holder of `key` (a spool copy of a value still in flight). */
  hold(key: string): void {
    this.refs.set(key, (this.refs.get(key) ?? 0) + 1);
  }

  /** A value of `key` was stored or given up. */
  release(key: string): void {
    const left = (this.refs.get(key) ?? 1) - 1;
    if (left > 0) {
      this.refs.set(key, left);
      return;
    }
    this.refs.delete(key);
    this.latest.delete(key);
  }

  /** Keys tracked (tests check it returns to 0). */
  get size(): number {
    return Math.max(this.latest.size, this.refs.size);
  }
}
