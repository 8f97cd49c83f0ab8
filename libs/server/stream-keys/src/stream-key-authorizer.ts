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
 * How long a publish waits for the database before a key it authorized within KEY_CACHE_TTL_SECONDS is decided on
 * its last known state. Until a statement fails, a hung database looks like a slow one: without this, an encoder
 * reconnecting at the start of an outage would wait for the pool's query_timeout (10 s, more behind other stuck
 * statements) and often give up first.
 */
export const KEY_LOOKUP_PATIENCE_MS = 2_000;

/**
 * Decides whether a stream key may publish: it must exist (by hash), not be revoked or banned, and its
 * owner must not be disabled. Lookups are cached briefly, including misses, so a reconnect storm or a
 * key-guessing client cannot hammer the database. While the database is unreachable (or takes longer than
 * KEY_LOOKUP_PATIENCE_MS to answer), a key authorized within KEY_CACHE_TTL_SECONDS is decided on its last known
 * state; any other waits for the database, and is refused as `database_unavailable` once it is known down.
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
      this.log.warn(
        { streamKeyId: key.id },
        'stream key allowed on its cached state: the database is unreachable or slow to answer',
      );
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
      const query = this.repository.findByHashWithOwner(hash).then((found) => {
        this.cache.looked(hash, found, now);
        return { found, fromOutageCache: false };
      });
      try {
        // A key with a last known state waits for the database only so long.
        if (this.cache.lastKnown(hash, now)) {
          const answer = await answerWithin(query, KEY_LOOKUP_PATIENCE_MS);
          if (answer) return answer;
          // Read again after the wait: moderation may have invalidated the key meanwhile.
          const known = this.cache.lastKnown(hash, now);
          if (known) {
            // The query goes on: its answer refreshes the cache, its failure marks an outage.
            void query.catch((error: unknown) => this.database.report(error));
            return { found: known, fromOutageCache: true };
          }
        }
        return await query;
      } catch (error) {
        if (!this.database.report(error)) throw error;
      }
    }
    const known = this.cache.lastKnown(hash, now);
    return known ? { found: known, fromOutageCache: true } : 'unavailable';
  }
}

/** The promise's value, or undefined if it has not settled within `ms`. */
function answerWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
