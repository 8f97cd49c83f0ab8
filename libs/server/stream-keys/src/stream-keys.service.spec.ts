import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Scope } from '@rapidrtmp/server-access';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { StreamKeyEntity, UserEntity } from '@rapidrtmp/server-persistence';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import type { UsersRepository } from '@rapidrtmp/server-users';
import type { LiveKeys } from './live-keys.js';
import type { LivePlayback } from './live-playback.js';
import { hashStreamKey } from './stream-key-secrets.js';
import type { StreamKeysRepository } from './stream-keys.repository.js';
import { StreamKeysService } from './stream-keys.service.js';

const PUBLISHER = principalOf('publisher', 'pub');
const OTHER = principalOf('publisher', 'other');
const MODERATOR = principalOf('moderator', 'mod');
const ADMIN = principalOf('admin', 'adm');

/** The service over an in-memory stream_keys table, a fake live side and a fake delivery. */
function setup(env: Record<string, string> = {}) {
  const rows = new Map<string, StreamKeyEntity>();
  let next = 0;
  const keys = {
    async insert(values) {
      const now = new Date();
      const key = {
        ...values,
        id: `key-${++next}`,
        revokedAt: null,
        bannedUntil: null,
        banReason: null,
        recordingEnabled: true,
        recordingRetentionDays: null,
        lastUsedAt: null,
        createdAt: now,
        updatedAt: now,
      };
      rows.set(key.id, key);
      return { ...key };
    },
    async findById(id) {
      const row = rows.get(id);
      return row ? { ...row } : null;
    },
    async listByOwner(ownerId) {
      return [...rows.values()].filter((k) => ownerId === undefined || k.ownerId === ownerId);
    },
    async update(id, values) {
      Object.assign(rows.get(id)!, values);
    },
  } satisfies Partial<StreamKeysRepository>;
  const users = {
    async findById(id) {
      return ['pub', 'other', 'mod', 'adm'].includes(id) ? ({ id } as UserEntity) : null;
    },
    async namesByIds(ids) {
      return new Map(ids.map((id) => [id, `Name of ${id}`]));
    },
  } satisfies Partial<UsersRepository>;
  const liveKeyIds = new Set<string>();
  const calls: string[] = [];
  const live: LiveKeys = {
    isLive: (id) => liveKeyIds.has(id),
    forget: (id) => void calls.push(`forget ${id}`),
    stopKey: (id, reason, by) => {
      calls.push(`stop ${id} ${reason} ${by}`);
      return liveKeyIds.delete(id);
    },
  };
  const playback: LivePlayback = {
    url: (playbackId, token) => `https://s.test/live/${playbackId}/index.m3u8${token ? `?token=${token}` : ''}`,
    sign: (playbackId, ttlSeconds) => ({ token: `t-${playbackId}-${ttlSeconds}`, expiresAt: new Date(ttlSeconds) }),
    viewers: () => 0,
  };
  const audit = recordingAuditLog();
  const config = loadConfig({ PUBLIC_URL: 'https://stream.example.com', RTMP_PORT: '1936', ...env });
  const service = new StreamKeysService(
    keys as unknown as StreamKeysRepository,
    users as unknown as UsersRepository,
    live,
    playback,
    audit,
    config,
  );
  return { service, rows, liveKeyIds, calls, audit };
}

describe('StreamKeysService', () => {
  it('creates a key whose secret is in the answer only: the table holds its hash and prefix', async () => {
    const { service, rows, audit } = setup();
    const created = await service.create(PUBLISHER, { label: 'studio', signedPlayback: true });
    assert.match(created.key, /^live_[A-Za-z0-9_-]{32}$/);
    const row = rows.get(created.id)!;
    assert.equal(row.keyHash, hashStreamKey(created.key));
    assert.ok(created.key.startsWith(row.keyPrefix) && row.keyPrefix.length < created.key.length);
    assert.ok(!JSON.stringify(row).includes(created.key), 'the secret is never stored');
    assert.equal(row.signedPlayback, true);
    assert.equal(created.ownerId, 'pub');
    assert.equal(created.ownerName, 'Name of pub');
    assert.equal(created.rtmpUrl, 'rtmp://stream.example.com:1936/live');
    assert.equal(created.rtmpsUrl, null, 'RTMPS is off');
    assert.deepEqual(created.obs, { server: created.rtmpUrl, streamKey: created.key });
    assert.ok(created.ffmpegCommand.endsWith(`${created.rtmpUrl}/${created.key}`));
    assert.equal(created.embedUrl, `https://stream.example.com/embed/${row.playbackId}`);
    assert.equal(created.playbackUrl, `https://s.test/live/${row.playbackId}/index.m3u8`);
    assert.deepEqual(audit.entries, [
      {
        actorId: 'pub',
        action: 'stream_key.created',
        targetType: 'stream_key',
        targetId: created.id,
        details: { label: 'studio', ownerId: 'pub' },
      },
    ]);
    const [listed] = await service.list(PUBLISHER);
    assert.ok(!('key' in listed!), 'lists never carry the secret');
  });

  it('names the RTMPS ingest URL beside the RTMP one when RTMPS is on (no port when it is 443)', async () => {
    const tls = { RTMPS_CERT_FILE: '/etc/rtmps/tls.crt', RTMPS_KEY_FILE: '/etc/rtmps/tls.key' };
    const created = await setup({ ...tls, RTMP_PORT: '1935' }).service.create(PUBLISHER, { label: 'studio' });
    assert.equal(created.rtmpsUrl, 'rtmps://stream.example.com:1936/live');
    assert.equal(created.rtmpUrl, 'rtmp://stream.example.com/live');
    const on443 = setup({ ...tls, RTMPS_PORT: '443' }).service;
    assert.equal((await on443.create(PUBLISHER, { label: 'studio' })).rtmpsUrl, 'rtmps://stream.example.com/live');
  });

  it('creates keys for other users for admins only, and only for users that exist', async () => {
    const { service } = setup();
    await assert.rejects(service.create(PUBLISHER, { label: 'x', userId: 'other' }), {
      status: 403,
      message: 'Only admins create keys for other users.',
    });
    assert.equal((await service.create(ADMIN, { label: 'for pub', userId: 'pub' })).ownerId, 'pub');
    await assert.rejects(service.create(ADMIN, { label: 'x', userId: 'ghost' }), {
      status: 404,
      message: 'No such user.',
    });
  });

  it('lets an admin’s API token create and manage other users’ keys only when it holds users:admin', async () => {
    const { service, rows } = setup();
    const token = (scopes: Scope[]) => principalOf('admin', 'adm', { via: 'api-token', scopes, credentialId: 't' });
    const keysOnly = token(['keys:read', 'keys:write', 'streams:write', 'tokens:write']);
    await assert.rejects(service.create(keysOnly, { label: 'x', userId: 'pub' }), {
      status: 403,
      message: 'Only a token with scope users:admin creates keys for other users.',
    });
    const pubs = await service.create(PUBLISHER, { label: 'studio' });
    const refused = {
      status: 403,
      message: 'Only the owner, or an admin’s token with scope users:admin, manages this key.',
    };
    await assert.rejects(service.update(keysOnly, pubs.id, { label: 'taken', signedPlayback: true }), refused);
    await assert.rejects(service.revoke(keysOnly, pubs.id), refused);
    await assert.rejects(service.regenerate(keysOnly, pubs.id), refused);
    assert.deepEqual(
      [rows.get(pubs.id)!.label, rows.get(pubs.id)!.revokedAt, rows.get(pubs.id)!.keyHash],
      ['studio', null, hashStreamKey(pubs.key)],
      'nothing changed',
    );
    // Its own keys, and moderation (seeing, banning), stay within its scopes.
    const own = await service.create(keysOnly, { label: 'own' });
    assert.equal((await service.update(keysOnly, own.id, { label: 'mine' })).label, 'mine');
    assert.equal((await service.get(keysOnly, pubs.id)).id, pubs.id);
    assert.ok((await service.ban(keysOnly, pubs.id, { seconds: 60 })).bannedUntil);
    const delegate = token(['keys:write', 'users:admin']);
    assert.equal((await service.create(delegate, { label: 'for pub', userId: 'pub' })).ownerId, 'pub');
    assert.equal((await service.update(delegate, pubs.id, { label: 'renamed' })).label, 'renamed');
  });

  it('shows publishers their own keys, moderators and admins everyone’s (or one user’s)', async () => {
    const { service } = setup();
    const own = await service.create(PUBLISHER, { label: 'own' });
    const others = await service.create(OTHER, { label: 'others' });
    assert.deepEqual(
      (await service.list(PUBLISHER, 'other')).map((k) => k.id),
      [own.id],
      'a publisher’s userId is ignored',
    );
    assert.deepEqual((await service.list(MODERATOR)).map((k) => k.id).sort(), [own.id, others.id].sort());
    assert.deepEqual(
      (await service.list(MODERATOR, 'other')).map((k) => k.id),
      [others.id],
    );
    await assert.rejects(service.get(PUBLISHER, others.id), { status: 404, message: 'No such stream key.' });
    await assert.rejects(service.get(PUBLISHER, 'missing'), { status: 404 });
    assert.equal((await service.get(MODERATOR, own.id)).id, own.id);
  });

  it('lets the owner and admins manage a key; a moderator sees it but may not', async () => {
    const { service, calls, audit } = setup();
    const key = await service.create(PUBLISHER, { label: 'studio' });
    await assert.rejects(service.update(MODERATOR, key.id, { label: 'x' }), {
      status: 403,
      message: 'Only the owner or an admin manages this key.',
    });
    await assert.rejects(service.update(OTHER, key.id, { label: 'x' }), { status: 404 });
    assert.equal((await service.update(PUBLISHER, key.id, { label: 'mobile' })).label, 'mobile');
    assert.equal((await service.update(ADMIN, key.id, { signedPlayback: true })).signedPlayback, true);
    assert.deepEqual(calls, [`forget ${key.id}`, `forget ${key.id}`], 'the next publish reads the key fresh');
    assert.deepEqual(
      audit.entries.slice(1).map((e) => [e.action, e.actorId, e.details]),
      [
        ['stream_key.updated', 'pub', { label: 'mobile' }],
        ['stream_key.updated', 'adm', { signedPlayback: true }],
      ],
    );
  });

  it('revokes for good and stops a live stream on the key', async () => {
    const { service, liveKeyIds, calls, audit } = setup();
    const key = await service.create(PUBLISHER, { label: 'studio' });
    liveKeyIds.add(key.id);
    assert.equal((await service.get(PUBLISHER, key.id)).live, true);
    const revoked = await service.revoke(PUBLISHER, key.id);
    assert.ok(revoked.revokedAt instanceof Date);
    assert.equal(revoked.live, false);
    assert.deepEqual(calls, [`stop ${key.id} key_revoked pub`]);
    assert.equal(audit.entries.at(-1)!.action, 'stream_key.revoked');
    await assert.rejects(service.revoke(MODERATOR, key.id), { status: 403 });
  });

  it('regenerates: a new secret shown once, the same playback id, the old secret no longer matches', async () => {
    const { service, rows, calls, audit } = setup();
    const key = await service.create(PUBLISHER, { label: 'studio' });
    const fresh = await service.regenerate(PUBLISHER, key.id);
    const row = rows.get(key.id)!;
    assert.notEqual(fresh.key, key.key);
    assert.equal(row.keyHash, hashStreamKey(fresh.key));
    assert.notEqual(row.keyHash, hashStreamKey(key.key));
    assert.equal(fresh.playbackId, key.playbackId);
    assert.deepEqual(calls.at(-1), `stop ${key.id} key_revoked pub`);
    assert.equal(audit.entries.at(-1)!.action, 'stream_key.regenerated');
    await assert.rejects(service.regenerate(MODERATOR, key.id), { status: 403 });
  });

  it('keeps a revoked key revoked: its owner (or an admin) regenerating it gets no new secret', async () => {
    const { service, rows, audit } = setup();
    const key = await service.create(PUBLISHER, { label: 'studio' });
    await service.revoke(ADMIN, key.id);
    const revoked = rows.get(key.id)!.revokedAt;
    const hash = rows.get(key.id)!.keyHash;
    for (const who of [PUBLISHER, ADMIN])
      await assert.rejects(service.regenerate(who, key.id), {
        status: 409,
        message: 'This key is revoked for good; create a new one.',
      });
    assert.ok(revoked);
    assert.equal(rows.get(key.id)!.revokedAt, revoked);
    assert.equal(rows.get(key.id)!.keyHash, hash, 'the secret is unchanged');
    assert.equal(audit.entries.at(-1)!.action, 'stream_key.revoked');
  });

  it('bans (an hour by default, or until a time) and lifts bans, stopping a live stream', async () => {
    const { service, calls, audit } = setup();
    const key = await service.create(PUBLISHER, { label: 'studio' });
    const before = Date.now();
    const banned = await service.ban(MODERATOR, key.id, { reason: 'spam' });
    const until = banned.bannedUntil!.getTime();
    assert.ok(until >= before + 3600_000 && until <= Date.now() + 3600_000);
    assert.equal(banned.banReason, 'spam');
    const later = await service.ban(MODERATOR, key.id, { until: '2030-01-01T00:00:00.000Z' });
    assert.equal(later.bannedUntil!.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.equal(later.banReason, null);
    await service.unban(MODERATOR, key.id);
    assert.equal((await service.get(PUBLISHER, key.id)).bannedUntil, null);
    assert.deepEqual(calls, [
      `stop ${key.id} key_banned mod`,
      `stop ${key.id} key_banned mod`,
      `stop ${key.id} key_banned null`,
    ]);
    assert.deepEqual(
      audit.entries.slice(1).map((e) => e.action),
      ['stream_key.banned', 'stream_key.banned', 'stream_key.unbanned'],
    );
    await assert.rejects(service.ban(OTHER, key.id, {}), { status: 404 }, 'a key they cannot see');
  });

  it('bans a key whose stream the caller stops itself: the cache is forgotten, nothing is stopped', async () => {
    const { service, rows, calls } = setup();
    const key = await service.create(PUBLISHER, { label: 'studio' });
    const until = new Date(Date.now() + 60_000);
    await service.banWhileStopping(key.id, until, null);
    assert.equal(rows.get(key.id)!.bannedUntil, until);
    assert.deepEqual(calls, [`forget ${key.id}`]);
  });

  it('signs playback for keys the caller can see, an hour by default', async () => {
    const { service } = setup();
    const key = await service.create(PUBLISHER, { label: 'studio', signedPlayback: true });
    const token = await service.playbackToken(MODERATOR, key.id);
    assert.equal(token.token, `t-${key.playbackId}-3600`);
    assert.equal(token.playbackUrl, `https://s.test/live/${key.playbackId}/index.m3u8?token=${token.token}`);
    assert.equal((await service.playbackToken(PUBLISHER, key.id, 60)).token, `t-${key.playbackId}-60`);
    await assert.rejects(service.playbackToken(OTHER, key.id), { status: 404 });
  });
});
