import { Injectable } from '@nestjs/common';
import type { PublishRefusal } from '@rapidrtmp/server-domain';
import { hashStreamKey, looksLikeStreamKey } from './stream-key-secrets.js';
import { StreamKeysRepository, type StreamKeyWithOwner } from './stream-keys.repository.js';

export type PublishDecision =
  | {
      allowed: true;
      streamKeyId: string;
      label: string;
      playbackId: string;
      ownerId: string;
      ownerName: string;
      signedPlayback: boolean;
      recordingEnabled: boolean;
    }
  | { allowed: false; refusal: PublishRefusal };

const refuse = (reason: PublishRefusal['reason'], description: string): PublishDecision => ({
  allowed: false,
  refusal: { reason, description },
});

interface CacheEntry {
  found: StreamKeyWithOwner | null;
  expiresAt: number;
}

/** How long a lookup is reused; revocation paths call `invalidate` so they take effect at once. */
const CACHE_TTL_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Decides whether a stream key may publish: it must exist (by hash), not be revoked or banned, and its
 * owner must not be disabled. Lookups are cached briefly, including misses, so a reconnect storm or a
 * key-guessing client cannot hammer the database.
 */
@Injectable()
export class StreamKeyAuthorizer {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(private readonly repository: StreamKeysRepository) {}

  async authorize(candidate: string, now = new Date()): Promise<PublishDecision> {
    if (!looksLikeStreamKey(candidate)) return refuse('bad_key', 'Invalid stream key.');
    const found = await this.lookup(hashStreamKey(candidate), now.getTime());
    if (!found) return refuse('bad_key', 'Invalid stream key.');
    const { key, owner } = found;
    if (key.revokedAt) return refuse('key_revoked', 'Stream key revoked.');
    if (key.bannedUntil && key.bannedUntil.getTime() > now.getTime()) {
      const why = key.banReason ? `: ${key.banReason}` : '';
      return refuse('key_banned', `Stream key banned until ${key.bannedUntil.toISOString()}${why}.`);
    }
    if (owner.disabled) return refuse('owner_disabled', 'Account disabled.');
    void this.repository.touchLastUsed(key.id, now).catch(() => undefined);
    return {
      allowed: true,
      streamKeyId: key.id,
      label: key.label,
      playbackId: key.playbackId,
      ownerId: owner.id,
      ownerName: owner.displayName ?? owner.email,
      signedPlayback: key.signedPlayback,
      recordingEnabled: key.recordingEnabled,
    };
  }

  /** Forget cached lookups (all, or one key's) after a key or its owner changed. */
  invalidate(streamKeyId?: string): void {
    if (!streamKeyId) return this.cache.clear();
    for (const [hash, entry] of this.cache) if (entry.found?.key.id === streamKeyId) this.cache.delete(hash);
  }

  private async lookup(hash: string, now: number): Promise<StreamKeyWithOwner | null> {
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.found;
    const found = await this.repository.findByHashWithOwner(hash);
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(hash, { found, expiresAt: now + CACHE_TTL_MS });
    return found;
  }
}
