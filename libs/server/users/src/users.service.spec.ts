import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndReason } from '@rapidrtmp/server-domain';
import type { UserEntity } from '@rapidrtmp/server-persistence';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import type { PasswordHasher } from './password-hasher.js';
import type { UserSessions, UserStreams } from './user-effects.js';
import type { NewUser, UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

/** The service over an in-memory users table, a fake hasher and recorders for the effects on other libs. */
function setup() {
  const rows = new Map<string, UserEntity>();
  const creations: Array<[NewUser, string | null]> = [];
  const user = (id: string, values: Partial<UserEntity> = {}) =>
    rows.set(id, {
      id,
      email: `${id}@example.com`,
      displayName: null,
      passwordHash: 'hashed:old',
      role: 'publisher',
      disabled: false,
      createdAt: new Date(0),
      updatedAt: new Date(0),
      ...values,
    });
  user('admin', { role: 'admin' });
  user('pub');
  const users = {
    async list() {
      return [...rows.values()];
    },
    async findById(id) {
      const row = rows.get(id);
      return row ? { ...row } : null;
    },
    async findByEmail(email) {
      return [...rows.values()].find((u) => u.email === email.toLowerCase()) ?? null;
    },
    async update(id, values) {
      Object.assign(rows.get(id)!, values);
    },
    async create(values, actorId) {
      creations.push([values, actorId]);
      user('new', { ...values, displayName: values.displayName ?? null });
      return { ...rows.get('new')! };
    },
  } satisfies Partial<UsersRepository>;
  const hasher = {
    hash: async (password: string) => `hashed:${password}`,
    verify: async (hash: string, password: string) => hash === `hashed:${password}`,
  } satisfies PasswordHasher;
  const effects: string[] = [];
  const sessions: UserSessions = {
    revokeUserSessions: async (userId) => void effects.push(`sessions of ${userId} end`),
    revokeUserTokens: async (userId) => void effects.push(`tokens of ${userId} revoked`),
  };
  const streams: UserStreams = {
    stopUser: (userId: string, reason: EndReason, by: string | null) =>
      effects.push(`streams of ${userId} stop: ${reason} by ${by}`),
  };
  const audit = recordingAuditLog();
  const service = new UsersService(users as unknown as UsersRepository, hasher, sessions, streams, audit);
  return { service, rows, creations, effects, audit };
}

describe('UsersService', () => {
  it('creates a user with a hashed password, refusing a taken e-mail', async () => {
    const { service, rows, creations } = setup();
    const created = await service.create('admin', {
      email: 'new@example.com',
      password: 'a long initial passphrase',
      role: 'moderator',
    });
    assert.deepEqual(creations, [
      [
        {
          email: 'new@example.com',
          passwordHash: 'hashed:a long initial passphrase',
          role: 'moderator',
          displayName: null,
        },
        'admin',
      ],
    ]);
    assert.equal(created.role, 'moderator');
    assert.ok(!('passwordHash' in created), 'never answered');
    assert.equal(rows.get('new')!.passwordHash, 'hashed:a long initial passphrase');
    await assert.rejects(
      service.create('admin', { email: 'PUB@example.com', password: 'x'.repeat(12), role: 'publisher' }),
      {
        status: 409,
        message: 'A user with this e-mail already exists.',
      },
    );
  });

  it('answers 404 for an unknown user', async () => {
    const { service } = setup();
    await assert.rejects(service.get('ghost'), { status: 404, message: 'No such user.' });
    await assert.rejects(service.update('admin', 'ghost', { displayName: 'x' }), { status: 404 });
    await assert.rejects(service.resetPassword('admin', 'ghost', 'x'.repeat(12)), { status: 404 });
  });

  it('disabling ends the user’s sessions, revokes their tokens and stops their streams once; audited', async () => {
    const { service, effects, audit } = setup();
    const disabled = await service.update('admin', 'pub', { disabled: true });
    assert.equal(disabled.disabled, true);
    await service.update('admin', 'pub', { disabled: true });
    const once = ['sessions of pub end', 'tokens of pub revoked', 'streams of pub stop: user_disabled by admin'];
    assert.deepEqual(effects, once);
    assert.deepEqual(audit.entries.at(-1), {
      actorId: 'admin',
      action: 'user.updated',
      targetType: 'user',
      targetId: 'pub',
      details: { disabled: true },
    });
    // Enabling brings no credential back (they were revoked, not suspended).
    assert.equal((await service.update('admin', 'pub', { disabled: false })).disabled, false);
    assert.deepEqual(effects, once);
  });

  it('a role change ends the user’s sessions (they sign in again with the new role); a rename does not', async () => {
    const { service, effects } = setup();
    assert.equal((await service.update('admin', 'pub', { displayName: 'Pat' })).displayName, 'Pat');
    assert.deepEqual(effects, []);
    assert.equal((await service.update('admin', 'pub', { role: 'publisher' })).role, 'publisher');
    assert.deepEqual(effects, [], 'the same role is no change');
    assert.equal((await service.update('admin', 'pub', { role: 'moderator' })).role, 'moderator');
    assert.deepEqual(effects, ['sessions of pub end']);
  });

  it('refuses to let an admin disable or demote themselves, but not to rename themselves', async () => {
    const { service, effects } = setup();
    for (const change of [{ disabled: true }, { role: 'moderator' as const }, { role: 'publisher' as const }]) {
      await assert.rejects(service.update('admin', 'admin', change), {
        status: 409,
        message: 'You cannot disable or demote yourself.',
      });
    }
    assert.equal((await service.update('admin', 'admin', { role: 'admin', displayName: 'Boss' })).displayName, 'Boss');
    assert.deepEqual(effects, []);
  });

  it('resets a password: a new hash, every session ends, every token is revoked, audited without the password', async () => {
    const { service, rows, effects, audit } = setup();
    await service.resetPassword('admin', 'pub', 'another long password');
    assert.equal(rows.get('pub')!.passwordHash, 'hashed:another long password');
    assert.deepEqual(effects, ['sessions of pub end', 'tokens of pub revoked']);
    assert.deepEqual(audit.entries, [
      { actorId: 'admin', action: 'user.password_reset', targetType: 'user', targetId: 'pub' },
    ]);
  });
});
