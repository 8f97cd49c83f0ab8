import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamKeyEntity } from '@rapidrtmp/server-persistence';
import { StreamKeyCache } from './stream-key-cache.js';
import type { StreamKeyWithOwner } from './stream-keys.repository.js';

const MINUTE = 60_000;

function found(keyId: string, ownerId: string, key: Partial<StreamKeyEntity> = {}): StreamKeyWithOwner {
  return {
    key: { id: keyId, revokedAt: null, bannedUntil: null, ...key } as StreamKeyEntity,
    owner: { id: ownerId, email: `${ownerId}@example.com`, displayName: null, disabled: false },
  };
}

const cache = () => new StreamKeyCache({ freshMs: 5000, outageMs: 10 * MINUTE, maxEntries: 100 });

describe('StreamKeyCache', () => {
  it('reuses any lookup for a few seconds, misses included', () => {
    const keys = cache();
    keys.looked('h1', found('k1', 'u1'), 0);
    keys.looked('h2', null, 0);
    assert.equal(keys.recent('h1', 4999)?.key.id, 'k1');
    assert.equal(keys.recent('h2', 4999), null);
    assert.equal(keys.recent('h1', 5000), undefined);
    assert.equal(keys.recent('h3', 0), undefined);
  });

  it('knows, for an outage, only keys authorized within the TTL', () => {
    const keys = cache();
    keys.looked('h1', found('k1', 'u1'), 0);
    assert.equal(keys.lastKnown('h1', 1000), undefined, 'looked up is not authorized');
    keys.authorized('h1', found('k1', 'u1'), 0);
    assert.equal(keys.lastKnown('h1', 10 * MINUTE)?.key.id, 'k1');
    assert.equal(keys.lastKnown('h1', 10 * MINUTE + 1), undefined);
    assert.equal(keys.lastKnown('h1', 0), undefined, 'an expired entry is gone');
  });

  it('follows later lookups: a key seen revoked stays revoked in the outage view; a deleted key is forgotten', () => {
    const keys = cache();
    keys.authorized('h1', found('k1', 'u1'), 0);
    keys.authorized('h2', found('k2', 'u1'), 0);
    keys.looked('h1', found('k1', 'u1', { revokedAt: new Date(1000) }), 1000);
    keys.looked('h2', null, 1000);
    assert.ok(keys.lastKnown('h1', 2000)?.key.revokedAt, 'the revocation is what the outage view knows');
    assert.equal(keys.lastKnown('h2', 2000), undefined);
  });

  it('forgets a key or an owner the moment moderation or an account change says so', () => {
    const keys = cache();
    keys.authorized('h1', found('k1', 'u1'), 0);
    keys.authorized('h2', found('k2', 'u1'), 0);
    keys.authorized('h3', found('k3', 'u2'), 0);
    keys.looked('h3', found('k3', 'u2'), 0);
    keys.forgetKey('k1');
    assert.equal(keys.lastKnown('h1', 1), undefined);
    keys.forgetOwner('u1');
    assert.equal(keys.lastKnown('h2', 1), undefined);
    assert.equal(keys.lastKnown('h3', 1)?.key.id, 'k3');
    keys.forgetKey();
    assert.equal(keys.lastKnown('h3', 1), undefined);
    assert.equal(keys.recent('h3', 1), undefined);
  });

  it('holds at most maxEntries per horizon, dropping the oldest', () => {
    const keys = new StreamKeyCache({ freshMs: 5000, outageMs: MINUTE, maxEntries: 2 });
    for (const n of [1, 2, 3]) keys.authorized(`h${n}`, found(`k${n}`, 'u'), 0);
    assert.equal(keys.lastKnown('h1', 1), undefined);
    assert.equal(keys.lastKnown('h3', 1)?.key.id, 'k3');
  });
});
