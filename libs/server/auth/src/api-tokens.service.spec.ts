import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Scope } from '@rapidrtmp/server-access';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import { ApiTokensService } from './api-tokens.service.js';
import { sha256 } from './secrets.js';
import { memoryCredentials, memoryUsers } from './testing/memory-credentials.js';

const PUBLISHER = principalOf('publisher', 'publisher');
const MODERATOR = principalOf('moderator', 'moderator');
const ADMIN = principalOf('admin', 'admin');

function setup() {
  const credentials = memoryCredentials();
  const audit = recordingAuditLog();
  const service = new ApiTokensService(credentials.repository, memoryUsers().repository, audit);
  return { service, credentials, audit };
}

describe('ApiTokensService', () => {
  it('creates a token whose secret is in the answer only: stored as a hash, scopes once each, audited', async () => {
    const { service, credentials, audit } = setup();
    const created = await service.create(PUBLISHER, {
      label: 'CI',
      scopes: ['streams:read', 'keys:write', 'streams:read'],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    assert.match(created.token, /^rrt_/);
    const stored = credentials.tokens.get(created.id)!;
    assert.equal(stored.tokenHash, sha256(created.token));
    assert.equal(stored.tokenPrefix, created.token.slice(0, 12));
    assert.ok(!JSON.stringify(stored).includes(created.token));
    assert.deepEqual(created.scopes, ['streams:read', 'keys:write']);
    assert.ok(created.expiresAt instanceof Date);
    assert.deepEqual(audit.entries, [
      {
        actorId: 'publisher',
        action: 'api_token.created',
        targetType: 'api_token',
        targetId: created.id,
        details: { ownerId: 'publisher', scopes: ['streams:read', 'keys:write'] },
      },
    ]);
    const [listed] = await service.list(PUBLISHER);
    assert.ok(!('token' in listed!), 'lists never show the secret');
  });

  it('refuses scopes beyond the owner’s role, a past expiry, and tokens for others unless an admin asks', async () => {
    const { service, credentials } = setup();
    await assert.rejects(service.create(PUBLISHER, { label: 'x', scopes: ['users:admin', 'keys:read'] }), {
      status: 400,
      message: 'A publisher cannot hold scope users:admin.',
    });
    await assert.rejects(service.create(MODERATOR, { label: 'x', scopes: ['keys:write'] }), { status: 400 });
    await assert.rejects(
      service.create(PUBLISHER, { label: 'x', scopes: ['keys:read'], expiresAt: '2000-01-01T00:00:00Z' }),
      { status: 400, message: 'expiresAt must be in the future.' },
    );
    await assert.rejects(service.create(MODERATOR, { label: 'x', scopes: ['keys:read'], userId: 'publisher' }), {
      status: 403,
      message: 'Only admins issue tokens for other users.',
    });
    await assert.rejects(service.create(ADMIN, { label: 'x', scopes: ['keys:read'], userId: 'ghost' }), {
      status: 404,
      message: 'No such user.',
    });
    // The owner's role bounds the scopes, not the admin's.
    await assert.rejects(service.create(ADMIN, { label: 'x', scopes: ['users:admin'], userId: 'publisher' }), {
      status: 400,
      message: 'A publisher cannot hold scope users:admin.',
    });
    const issued = await service.create(ADMIN, { label: 'for pub', scopes: ['keys:write'], userId: 'publisher' });
    assert.equal(issued.ownerId, 'publisher');
    assert.equal(credentials.tokens.size, 1);
  });

  it('lets a token mint only tokens within its own scopes, and for other users only with users:admin', async () => {
    const { service, credentials } = setup();
    // An admin's token holding tokens:write alone: its owner's role allows every scope, the token does not.
    const minted = async (scopes: Scope[]) => (await service.create(ADMIN, { label: scopes.join(' '), scopes })).id;
    const narrow = principalOf('admin', 'admin', {
      via: 'api-token',
      scopes: ['tokens:write'],
      credentialId: await minted(['tokens:write']),
    });
    await assert.rejects(service.create(narrow, { label: 'x', scopes: ['users:admin', 'tokens:write'] }), {
      status: 403,
      message: 'The token lacks scope users:admin.',
    });
    await assert.rejects(service.create(narrow, { label: 'x', scopes: ['tokens:write'], userId: 'publisher' }), {
      status: 403,
      message: 'Only a token with scope users:admin issues tokens for other users.',
    });
    const other = await service.create(PUBLISHER, { label: 'theirs', scopes: ['streams:read'] });
    assert.deepEqual(
      (await service.list(narrow, 'publisher')).map((t) => t.ownerId),
      ['admin'],
      'its owner’s tokens only',
    );
    await assert.rejects(service.revoke(narrow, other.id), { status: 404 });
    assert.equal(credentials.tokens.get(other.id)!.revokedAt, null);
    const same = await service.create(narrow, { label: 'same', scopes: ['tokens:write'] });
    assert.deepEqual([same.ownerId, same.scopes], ['admin', ['tokens:write']]);

    const delegate = principalOf('admin', 'admin', {
      via: 'api-token',
      scopes: ['users:admin', 'tokens:write', 'keys:read'],
      credentialId: await minted(['users:admin', 'tokens:write', 'keys:read']),
    });
    await assert.rejects(service.create(delegate, { label: 'x', scopes: ['keys:write'], userId: 'publisher' }), {
      status: 403,
      message: 'The token lacks scope keys:write.',
    });
    const issued = await service.create(delegate, { label: 'ok', scopes: ['keys:read'], userId: 'publisher' });
    assert.equal(issued.ownerId, 'publisher');
    assert.equal((await service.list(delegate, 'publisher')).length, 2);
    // A login keeps the role's rule: an admin session issues any scope the owner's role allows.
    const full = await service.create(ADMIN, { label: 'full', scopes: ['users:admin', 'webhooks:admin'] });
    assert.deepEqual(full.scopes, ['users:admin', 'webhooks:admin']);
  });

  it('links a token to the token that minted it: revoking the parent revokes its descendants', async () => {
    const { service, credentials } = setup();
    const asToken = (id: string, scopes: Scope[]) =>
      principalOf('admin', 'admin', { via: 'api-token', scopes, credentialId: id });
    const a = await service.create(ADMIN, { label: 'A', scopes: ['tokens:write', 'keys:read'] });
    assert.equal(a.parentId, null, 'a login mints roots');
    const b = await service.create(asToken(a.id, a.scopes as Scope[]), { label: 'B', scopes: ['tokens:write'] });
    const c = await service.create(asToken(b.id, b.scopes as Scope[]), { label: 'C', scopes: ['tokens:write'] });
    assert.deepEqual([b.parentId, c.parentId], [a.id, b.id]);
    const other = await service.create(ADMIN, { label: 'other', scopes: ['keys:read'] });

    await service.revoke(ADMIN, a.id);
    const revoked = (id: string) => credentials.tokens.get(id)!.revokedAt;
    assert.ok(revoked(a.id) && revoked(b.id) && revoked(c.id));
    assert.equal(revoked(other.id), null);
    await assert.rejects(service.create(asToken(b.id, ['tokens:write']), { label: 'D', scopes: ['tokens:write'] }), {
      status: 401,
      message: 'The token was revoked.',
    });
  });

  it('lists the caller’s tokens; only an admin may name another user', async () => {
    const { service } = setup();
    const own = await service.create(MODERATOR, { label: 'mine', scopes: ['streams:read'] });
    const other = await service.create(PUBLISHER, { label: 'theirs', scopes: ['streams:read'] });
    assert.deepEqual(
      (await service.list(MODERATOR, 'publisher')).map((t) => t.id),
      [own.id],
    );
    assert.deepEqual(
      (await service.list(ADMIN, 'publisher')).map((t) => t.id),
      [other.id],
    );
    assert.deepEqual(await service.list(ADMIN), []);
  });

  it('revokes at once; someone else’s token is not found unless an admin revokes it; twice keeps the first time', async () => {
    const { service, credentials, audit } = setup();
    const token = await service.create(PUBLISHER, { label: 't', scopes: ['streams:read'] });
    await assert.rejects(service.revoke(MODERATOR, token.id), { status: 404, message: 'No such token.' });
    await assert.rejects(service.revoke(PUBLISHER, 'missing'), { status: 404 });
    await service.revoke(PUBLISHER, token.id);
    const first = credentials.tokens.get(token.id)!.revokedAt;
    assert.ok(first);
    await service.revoke(ADMIN, token.id);
    assert.equal(credentials.tokens.get(token.id)!.revokedAt, first);
    assert.deepEqual(
      audit.entries.slice(1).map((e) => [e.action, e.actorId, e.targetId]),
      [
        ['api_token.revoked', 'publisher', token.id],
        ['api_token.revoked', 'admin', token.id],
      ],
    );
  });
});
