/** Viewers seen within this window count as watching. */
const WINDOW_MS = 30_000;
const MAX_TRACKED = 100_000;

/**
 * Estimates concurrent HLS viewers of one stream from distinct clients (address + user agent) that
 * fetched a playlist or segment recently. Bounded in memory; an estimate, as every HLS server's is.
 */
export class ViewerTracker {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  touch(client: string): void {
    const now = this.clock();
    const seen = this.lastSeen.get(client);
    // A player asks several times a second (blocking reloads, parts): once a second is enough to count it.
    if (seen !== undefined && now - seen < 1000) return;
    this.lastSeen.delete(client);
    this.lastSeen.set(client, now);
    if (this.lastSeen.size > MAX_TRACKED) this.prune(now);
  }

  count(): number {
    this.prune(this.clock());
    return this.lastSeen.size;
  }

  /** Entries are kept in touch order, so expired ones are at the front. */
  private prune(now: number): void {
    for (const [client, at] of this.lastSeen) {
      if (now - at <= WINDOW_MS && this.lastSeen.size <= MAX_TRACKED) break;
      this.lastSeen.delete(client);
    }
  }
}
