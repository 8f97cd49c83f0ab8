import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import type { PublishRefusal } from '@rapidrtmp/server-domain';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { DatabaseAvailability } from '@rapidrtmp/server-persistence';
import { StreamKeyCache } from './stream-key-cache.js';
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
      /** Allowed on the key's last known state because the database is unreachable. */
      fromOutageCache: boolean;
    }
  | { allowed: false; refusal: PublishRefusal };

const refuse = (reason: PublishRefusal['reason'], description: string): PublishDecision => ({
  allowed: false,
  refusal: { reason, description },
});

/** How long a lookup is reused; revocation paths call `invalidate` so they take effect at once. */
const FRESH_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;

/**
 * Decides whether a stream key may publish: it must exist (by hash), not be revoked or banned, and its
 * owner must not be disabled. Lookups are cached briefly, including misses, so a reconnect storm or a
 * key-guessing client cannot hammer the database. While the database is unreachable, a key authorized
 * within KEY_CACHE_TTL_SECONDS is decided on its last known state; any other is refused as
 * `database_unavailable`.
 */
@Injectable()
export class StreamKeyAuthorizer {
  private readonly cache: StreamKeyCache;
  private readonly log: Logger;

  constructor(
    private readonly repository: StreamKeysRepository,
    private readonly database: DatabaseAvailability,
    config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.cache = new StreamKeyCache({
      freshMs: FRESH_MS,
      outageMs: config.keyCacheTtlSeconds * 1000,
      maxEntries: CACHE_MAX_ENTRIES,
    });
    this.log = logger.child({ module: 'stream-keys' });
  }

  async authorize(candidate: string, now = new Date()): Promise<PublishDecision> {
    if (!looksLikeStreamKey(candidate)) return refuse('bad_key', 'Invalid stream key.');
    const hash = hashStreamKey(candidate);
    const lookup = await this.lookup(hash, now.getTime());
    if (lookup === 'unavailable') {
      return refuse(
        'database_unavailable',
        'The stream key cannot be checked right now (database unreachable) and was not used recently: try again shortly.',
      );
    }
    const { found, fromOutageCache } = lookup;
    if (!found) return refuse('bad_key', 'Invalid stream key.');
    const { key, owner } = found;
    if (key.revokedAt) return refuse('key_revoked', 'Stream key revoked.');
    if (key.bannedUntil && key.bannedUntil.getTime() > now.getTime()) {
      const why = key.banReason ? `: ${key.banReason}` : '';
      return refuse('key_banned', `Stream key banned until ${key.bannedUntil.toISOString()}${why}.`);
    }
    if (owner.disabled) return refuse('owner_disabled', 'Account disabled.');
    if (fromOutageCache) {
      this.log.warn({ streamKeyId: key.id }, 'stream key allowed on its cached state: the database is unreachable');
    } else {
      this.cache.authorized(hash, found, now.getTime());
      void this.repository.touchLastUsed(key.id, now).catch(() => undefined);
    }
    return {
      allowed: true,
      streamKeyId: key.id,
      label: key.label,
      playbackId: key.playbackId,
      ownerId: owner.id,
      ownerName: owner.displayName ?? owner.email,
      signedPlayback: key.signedPlayback,
      recordingEnabled: key.recordingEnabled,
      fromOutageCache,
    };
  }

  /** Forget cached lookups (all, or one key's) after a key or its owner changed. */
  invalidate(streamKeyId?: string): void {
    this.cache.forgetKey(streamKeyId);
  }

  /** Forget the cached keys of one owner (account disabled or changed). */
  invalidateOwner(ownerId: string): void {
    this.cache.forgetOwner(ownerId);
  }

  private async lookup(
    hash: string,
    now: number,
  ): Promise<{ found: StreamKeyWithOwner | null; fromOutageCache: boolean } | 'unavailable'> {
    const recent = this.cache.recent(hash, now);
    if (recent !== undefined) return { found: recent, fromOutageCache: false };
    if (!this.database.down) {
      try {
        const found = await this.repository.findByHashWithOwner(hash);
        this.cache.looked(hash, found, now);
        return { found, fromOutageCache: false };
      } catch (error) {
        if (!this.database.report(error)) throw error;
      }
    }
    const known = this.cache.lastKnown(hash, now);
    return known ? { found: known, fromOutageCache: true } : 'unavailable';
  }
}
