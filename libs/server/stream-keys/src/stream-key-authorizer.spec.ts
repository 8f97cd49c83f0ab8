import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { DatabaseAvailability, type StreamKeyEntity } from '@rapidrtmp/server-persistence';
import { KEY_LOOKUP_PATIENCE_MS, StreamKeyAuthorizer } from './stream-key-authorizer.js';
import { generateStreamKey } from './stream-key-secrets.js';
import type { StreamKeysRepository, StreamKeyWithOwner } from './stream-keys.repository.js';

const log = createLogger('silent');

/** Keys by hash in memory, and a database that can be taken away (as pg fails on a cut connection). */
function setup(ttlSeconds = 600) {
  const db = {
    up: true,
    /** Lookups are held until this is called (a hung database: no answer, no error yet). */
    hang: undefined as undefined | Promise<void>,
    keys: new Map<string, StreamKeyWithOwner>(),
    lookups: 0,
  };
  const unreachable = () => Promise.reject(new Error('Connection terminated unexpectedly'));
  const repository = {
    findByHashWithOwner: async (hash: string) => {
      db.lookups++;
      await db.hang;
      return db.up ? (db.keys.get(hash) ?? null) : unreachable();
    },
    touchLastUsed: () => (db.up ? Promise.resolve() : unreachable()),
  } as unknown as StreamKeysRepository;
  const availability = new DatabaseAvailability(
    () => (db.up ? Promise.resolve() : unreachable()),
    log,
    new MetricsRegistry(),
  );
  const config = loadConfig({ KEY_CACHE_TTL_SECONDS: String(ttlSeconds) });
  const authorizer = new StreamKeyAuthorizer(repository, availability, config, log);
  const addKey = (id: string, key: Partial<StreamKeyEntity> = {}) => {
    const secret = generateStreamKey();
    const entity = { id, label: id, playbackId: `pb-${id}`, revokedAt: null, bannedUntil: null, ...key };
    db.keys.set(secret.hash, {
      key: entity as StreamKeyEntity,
      owner: { id: 'u1', email: 'u1@example.com', displayName: null, disabled: false },
    });
    return { secret: secret.key, hash: secret.hash };
  };
  return { db, authorizer, availability, addKey };
}

const at = (ms: number) => new Date(1_700_000_000_000 + ms);

describe('StreamKeyAuthorizer during a database outage', () => {
  it('allows a key authorized within KEY_CACHE_TTL_SECONDS and refuses any other as database_unavailable', async () => {
    const { db, authorizer, availability, addKey } = setup(600);
    const seen = addKey('seen');
    const stale = addKey('stale');
    const unseen = addKey('unseen');
    assert.equal((await authorizer.authorize(stale.secret, at(0))).allowed, true);
    assert.equal((await authorizer.authorize(seen.secret, at(500_000))).allowed, true);
    db.up = false;

    const allowed = await authorizer.authorize(seen.secret, at(600_000));
    assert.equal(allowed.allowed, true);
    assert.equal(allowed.allowed && allowed.fromOutageCache, true);
    assert.equal(allowed.allowed && allowed.streamKeyId, 'seen');
    assert.equal(availability.down, true);

    for (const key of [unseen, stale]) {
      const refused = await authorizer.authorize(key.secret, at(600_001));
      assert.equal(refused.allowed, false);
      if (!refused.allowed) {
        assert.equal(refused.refusal.reason, 'database_unavailable');
        assert.match(refused.refusal.description, /database unreachable/);
      }
    }
    availability.stop();
  });

  it('decides a recently authorized key on its last known state when the database hangs, and waits for any other', async (t) => {
    const { db, authorizer, availability, addKey } = setup(600);
    const seen = addKey('seen');
    const unseen = addKey('unseen');
    assert.equal((await authorizer.authorize(seen.secret, at(0))).allowed, true);
    let answer!: () => void;
    db.hang = new Promise((resolve) => (answer = resolve));
    // The patience timer is unref'd (it never holds a server open): hold the test open meanwhile.
    const hold = setInterval(() => undefined, 1000);
    t.after(() => clearInterval(hold));

    const started = Date.now();
    const decision = await authorizer.authorize(seen.secret, at(60_000));
    const waited = Date.now() - started;
    assert.equal(decision.allowed && decision.fromOutageCache, true, 'allowed on its cached state');
    assert.ok(waited >= KEY_LOOKUP_PATIENCE_MS - 50, `waited ${waited} ms for the database first`);
    assert.ok(waited < KEY_LOOKUP_PATIENCE_MS + 3_000, `not until query_timeout: ${waited} ms`);
    assert.equal(availability.down, false, 'slow is not down');

    let unseenDecided = false;
    const pending = authorizer.authorize(unseen.secret, at(60_001)).then((d) => {
      unseenDecided = true;
      return d;
    });
    await new Promise((resolve) => setTimeout(resolve, KEY_LOOKUP_PATIENCE_MS + 200));
    assert.equal(unseenDecided, false, 'a key with no known state waits for the database');
    db.up = false; // the hung statements fail at last: an outage
    answer();
    const refused = await pending;
    assert.equal(refused.allowed, false);
    assert.equal(!refused.allowed && refused.refusal.reason, 'database_unavailable');
    assert.equal(availability.down, true);
    availability.stop();
  });

  it('asks the database again once it is back (the outage view is not used then)', async () => {
    const { db, authorizer, availability, addKey } = setup();
    const key = addKey('k');
    await authorizer.authorize(key.secret, at(0));
    db.up = false;
    assert.equal((await authorizer.authorize(key.secret, at(10_000))).allowed, true);
    db.up = true;
    // The probe timer is unref'd (it never holds a server open): hold the test open until it ran.
    const hold = setTimeout(() => undefined, 10_000);
    await new Promise((resolve) => availability.onRecovered(() => resolve(undefined)));
    clearTimeout(hold);
    db.keys.get(key.hash)!.key.revokedAt = new Date();
    const lookups = db.lookups;
    const decision = await authorizer.authorize(key.secret, at(20_000));
    assert.equal(db.lookups, lookups + 1);
    assert.equal(decision.allowed, false);
  });

  it('never allows a key it saw revoked or banned, or that moderation invalidated, from the cache', async () => {
    const { db, authorizer, availability, addKey } = setup();
    const revoked = addKey('revoked');
    const banned = addKey('banned');
    const stopped = addKey('stopped');
    for (const key of [revoked, banned, stopped]) await authorizer.authorize(key.secret, at(0));
    db.keys.get(revoked.hash)!.key.revokedAt = new Date();
    db.keys.get(banned.hash)!.key.bannedUntil = at(3_600_000);
    // The next lookups (past the few-second reuse) see the new state.
    await authorizer.authorize(revoked.secret, at(10_000));
    await authorizer.authorize(banned.secret, at(10_000));
    authorizer.invalidate('stopped');
    db.up = false;
    const reasons = [];
    for (const key of [revoked, banned, stopped]) {
      const decision = await authorizer.authorize(key.secret, at(20_000));
      reasons.push(decision.allowed ? 'allowed' : decision.refusal.reason);
    }
    assert.deepEqual(reasons, ['key_revoked', 'key_banned', 'database_unavailable']);
    availability.stop();
  });
});
