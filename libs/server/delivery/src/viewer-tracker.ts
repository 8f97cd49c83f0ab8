import { createHash } from 'node:crypto';

/** Viewers seen within this window count as watching. */
const WINDOW_MS = 30_000;
/** A player asks several times a second (blocking reloads, parts): once a second is enough to count it. */
const TOUCH_EVERY_MS = 1000;
/** Distinct clients counted per stream; past it the least recently seen is forgotten (the count saturates). */
export const MAX_VIEWERS_PER_STREAM = 20_000;
/** Distinct clients counted over all streams of this node (about 100 bytes each). */
export const MAX_VIEWERS_TOTAL = 100_000;
/** A key longer than this (a caller passing raw input) is stored as its digest. */
const MAX_KEY_LENGTH = 96;

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 16);

/** A player sends the same User-Agent with every request (several a second): hash each one once. */
const agentDigests = new Map<string, string>();
const MAX_AGENT_DIGESTS = 1024;
const MAX_MEMO_AGENT_LENGTH = 512;

function agentDigest(userAgent: string): string {
  const known = agentDigests.get(userAgent);
  if (known !== undefined) return known;
  const hashed = digest(userAgent);
  if (userAgent.length <= MAX_MEMO_AGENT_LENGTH) {
    // Start over when full: a flood of distinct agents costs a hash each, never memory.
    if (agentDigests.size >= MAX_AGENT_DIGESTS) agentDigests.clear();
    agentDigests.set(userAgent, hashed);
  }
  return hashed;
}

/**
 * The key one viewer is counted under: its address and a digest of its User-Agent, so a client sending
 * a huge User-Agent costs the same few dozen bytes as any other.
 */
export function viewerKey(address: string, userAgent: string | undefined): string {
  return `${address.slice(0, 64)} ${userAgent ? agentDigest(userAgent) : '-'}`;
}

interface PoolEntry {
  tracker: ViewerTracker;
  client: string;
  at: number;
}

/**
 * Every tracked viewer of every stream in one touch-ordered map, so the node-wide bound evicts the least
 * recently seen viewer of any stream in O(1), and entries of streams nobody asks about any more expire
 * as other traffic goes on.
 */
export class ViewerPool {
  private readonly order = new Map<string, PoolEntry>();
  private nextTrackerId = 0;

  constructor(readonly maxTotal = MAX_VIEWERS_TOTAL) {}

  get size(): number {
    return this.order.size;
  }

  /** A unique prefix for one tracker's entries. */
  trackerId(): string {
    return `${(this.nextTrackerId++).toString(36)}\n`;
  }

  touched(tracker: ViewerTracker, id: string, client: string, at: number): void {
    const key = id + client;
    this.order.delete(key);
    this.order.set(key, { tracker, client, at });
    for (const [oldest, entry] of this.order) {
      if (this.order.size <= this.maxTotal && at - entry.at <= WINDOW_MS) break;
      this.order.delete(oldest);
      entry.tracker.forget(entry.client);
    }
  }

  forgotten(id: string, client: string): void {
    this.order.delete(id + client);
  }
}

const sharedPool = new ViewerPool();

/**
 * Estimates concurrent HLS viewers of one stream from distinct clients (see `viewerKey`) that fetched a
 * playlist or segment recently. Bounded per stream and, through the pool, per node; an estimate, as every
 * HLS server's is.
 */
export class ViewerTracker {
  private readonly lastSeen = new Map<string, number>();
  private readonly id: string;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly pool: ViewerPool = sharedPool,
    private readonly maxViewers = MAX_VIEWERS_PER_STREAM,
  ) {
    this.id = pool.trackerId();
  }

  touch(client: string): void {
    const key = client.length > MAX_KEY_LENGTH ? digest(client) : client;
    const now = this.clock();
    const seen = this.lastSeen.get(key);
    if (seen !== undefined && now - seen < TOUCH_EVERY_MS) return;
    this.lastSeen.delete(key);
    this.lastSeen.set(key, now);
    this.pool.touched(this, this.id, key, now);
    if (this.lastSeen.size > this.maxViewers) this.prune(now);
  }

  count(): number {
    this.prune(this.clock());
    return this.lastSeen.size;
  }

  /** Whether `client` counts as watching now. */
  has(client: string): boolean {
    const seen = this.lastSeen.get(client.length > MAX_KEY_LENGTH ? digest(client) : client);
    return seen !== undefined && this.clock() - seen <= WINDOW_MS;
  }

  /** Called by the pool when it evicts this tracker's entry. */
  forget(client: string): void {
    this.lastSeen.delete(client);
  }

  /** Entries are kept in touch order, so expired (and the least recently seen) ones are at the front. */
  private prune(now: number): void {
    for (const [client, at] of this.lastSeen) {
      if (now - at <= WINDOW_MS && this.lastSeen.size <= this.maxViewers) break;
      this.lastSeen.delete(client);
      this.pool.forgotten(this.id, client);
    }
  }
}
