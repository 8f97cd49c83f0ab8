import type { StreamKeyWithOwner } from './stream-keys.repository.js';

interface FreshEntry {
  found: StreamKeyWithOwner | null;
  expiresAt: number;
}

interface KnownEntry {
  found: StreamKeyWithOwner;
  /** When this key last passed the check against the database. */
  authorizedAt: number;
}

export interface StreamKeyCacheOptions {
  /** Any lookup (misses too) is reused this long: a reconnect storm or a key-guessing client costs one query. */
  freshMs: number;
  /** While the database is unreachable, a key authorized within this long may publish (KEY_CACHE_TTL_SECONDS). */
  outageMs: number;
  maxEntries: number;
}

/**
 * What the authorizer remembers about stream keys, by hash. Two horizons: every lookup for a few seconds,
 * and, for a database outage, the last known state of keys that were authorized recently. The outage view
 * follows every later lookup (a key seen revoked, banned or with its owner disabled stays refused) and
 * forgets a key the moment moderation or an account change invalidates it, so it can only ever allow a key
 * the database allowed within the TTL and nobody has touched since.
 */
export class StreamKeyCache {
  private readonly fresh = new Map<string, FreshEntry>();
  private readonly known = new Map<string, KnownEntry>();

  constructor(private readonly options: StreamKeyCacheOptions) {}

  /** A lookup from the last few seconds: the key and owner, `null` (no such key), or undefined (ask the database). */
  recent(hash: string, now: number): StreamKeyWithOwner | null | undefined {
    const entry = this.fresh.get(hash);
    return entry && entry.expiresAt > now ? entry.found : undefined;
  }

  /** What the database just said about a key. */
  looked(hash: string, found: StreamKeyWithOwner | null, now: number): void {
    bounded(this.fresh, this.options.maxEntries).set(hash, { found, expiresAt: now + this.options.freshMs });
    const known = this.known.get(hash);
    if (!known) return;
    if (found) known.found = found;
    else this.known.delete(hash);
  }

  /** The key passed the check against the database just now. */
  authorized(hash: string, found: StreamKeyWithOwner, now: number): void {
    this.known.delete(hash);
    bounded(this.known, this.options.maxEntries).set(hash, { found, authorizedAt: now });
  }

  /** For an outage: the key's last known state, if it was authorized within the TTL. */
  lastKnown(hash: string, now: number): StreamKeyWithOwner | undefined {
    const entry = this.known.get(hash);
    if (!entry) return undefined;
    if (now - entry.authorizedAt <= this.options.outageMs) return entry.found;
    this.known.delete(hash);
    return undefined;
  }

  /** Forget one key (or all): its settings, revocation or ban changed. */
  forgetKey(streamKeyId?: string): void {
    if (!streamKeyId) {
      this.fresh.clear();
      this.known.clear();
      return;
    }
    this.forgetWhere((found) => found.key.id === streamKeyId);
  }

  /** Forget every key of one owner (account disabled or changed). */
  forgetOwner(ownerId: string): void {
    this.forgetWhere((found) => found.owner.id === ownerId);
  }

  private forgetWhere(matches: (found: StreamKeyWithOwner) => boolean): void {
    for (const [hash, entry] of this.fresh) if (entry.found && matches(entry.found)) this.fresh.delete(hash);
    for (const [hash, entry] of this.known) if (matches(entry.found)) this.known.delete(hash);
  }
}

/** Makes room for one more entry by dropping the oldest (Maps keep insertion order). */
function bounded<V>(map: Map<string, V>, maxEntries: number): Map<string, V> {
  if (map.size >= maxEntries) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  return map;
}
