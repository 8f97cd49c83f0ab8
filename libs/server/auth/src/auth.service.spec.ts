import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HttpException } from '@nestjs/common';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import type { PasswordHasher } from '@rapidrtmp/server-users';
import { AuthService } from './auth.service.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { API_TOKEN_PREFIX, sha256 } from './secrets.js';
import { memoryCredentials, memoryUsers } from './testing/memory-credentials.js';
import { memoryLoginLimits } from './testing/memory-login-limits.js';

const hasher = {
  hash: async (password: string) => `hashed:${password}`,
  verify: async (hash: string, password: string) => hash === `hashed:${password}`,
} satisfies PasswordHasher;

function setup(publicUrl = 'https://stream.example.com') {
  const credentials = memoryCredentials();
  const users = memoryUsers();
  const audit = recordingAuditLog();
  let now = Date.now();
  const limiter = new LoginRateLimiter(memoryLoginLimits(), () => now);
  const auth = new AuthService(
    credentials.repository,
    users.repository,
    hasher,
    limiter,
    audit,
    loadConfig({ PUBLIC_URL: publicUrl }),
  );
  const later = (ms: number) => (now += ms);
  return { auth, credentials, users, audit, later };
}

/** A stored API token for `ownerId` with these scopes; returns its secret. */
async function storeToken(credentials: ReturnType<typeof memoryCredentials>, ownerId: string, scopes: string[]) {
  const secret = `${API_TOKEN_PREFIX}secret-of-${ownerId}-${scopes.join('-')}`;
  await credentials.repository.insertToken({
    ownerId,
    label: 't',
    tokenHash: sha256(secret),
    tokenPrefix: secret.slice(0, 12),
    scopes,
    expiresAt: null,
  });
  return secret;
}

describe('AuthService', () => {
  it('logs in: the session is stored by hash, its cookies are set (Secure behind https), the login audited', async () => {
    const { auth, credentials, audit } = setup();
    const { body, cookies } = await auth.login(
      'Publisher@Example.com',
      'publisher password',
      '10.0.0.1',
      'x'.repeat(400),
      true,
    );
    assert.match(body.accessToken!, /^rrs_/);
    assert.equal(body.user.id, 'publisher');
    assert.ok(!('passwordHash' in body.user));
    const [session] = [...credentials.sessions.values()];
    assert.equal(session!.tokenHash, sha256(body.accessToken!));
    assert.equal(session!.csrfHash, sha256(body.csrfToken));
    assert.equal(session!.userAgent!.length, 300);
    assert.ok(!JSON.stringify(session).includes(body.accessToken!), 'the token itself is never stored');
    assert.match(cookies[0]!, /^rr_session=rrs_[^;]+; Path=\/; Max-Age=60(4799|4800); SameSite=Lax; HttpOnly; Secure$/);
    assert.match(cookies[1]!, /^rr_csrf=[^;]+; Path=\/; Max-Age=60(4799|4800); SameSite=Lax; Secure$/);
    assert.deepEqual(audit.entries, [
      {
        actorId: 'publisher',
        action: 'auth.login',
        targetType: 'user',
        targetId: 'publisher',
        details: { ip: '10.0.0.1' },
      },
    ]);
    const plain = await setup('http://localhost:8080').auth.login(
      'admin@example.com',
      'admin password',
      'ip',
      undefined,
    );
    assert.ok(plain.cookies.every((c) => !c.includes('Secure')));
    assert.equal(plain.body.accessToken, undefined, 'a cookie client gets no token in the JSON');
    assert.match(plain.cookies[0]!, /^rr_session=rrs_/);
    assert.ok(plain.body.csrfToken);
  });

  it('answers an unknown e-mail, a wrong password and a disabled account with the same 401', async () => {
    const { auth, users, credentials } = setup();
    users.rows.get('moderator')!.disabled = true;
    for (const [email, password] of [
      ['nobody@example.com', 'publisher password'],
      ['publisher@example.com', 'wrong'],
      ['moderator@example.com', 'moderator password'],
    ]) {
      await assert.rejects(auth.login(email!, password!, 'ip', undefined), {
        status: 401,
        message: 'Invalid email or password.',
      });
    }
    assert.equal(credentials.sessions.size, 0);
  });

  it('rate-limits an account after five failures (429 with the wait); the window passes, a success resets it', async () => {
    const { auth, later } = setup();
    const fail = () => auth.login('publisher@example.com', 'guess', 'ip', undefined);
    for (let i = 0; i < 5; i++) await assert.rejects(fail(), { status: 401 });
    const limited = await auth.login('publisher@example.com', 'publisher password', 'ip', undefined).catch((e) => e);
    assert.equal(limited.getStatus(), 429);
    assert.deepEqual(limited.getResponse(), {
      message: 'Too many login attempts. Try again in 900 seconds.',
      retryAfterSeconds: 900,
    });
    later(15 * 60_000);
    await auth.login('publisher@example.com', 'publisher password', 'ip', undefined);
    for (let i = 0; i < 4; i++) await assert.rejects(fail(), { status: 401 });
    await auth.login('publisher@example.com', 'publisher password', 'ip', undefined);
  });

  it('authenticates a session with its role’s scopes until it is revoked, expires or its user is disabled', async () => {
    const { auth, users, credentials } = setup();
    const { body } = await auth.login('moderator@example.com', 'moderator password', 'ip', undefined, true);
    const principal = await auth.authenticate(body.accessToken!, true);
    assert.equal(principal?.role, 'moderator');
    assert.equal(principal?.via, 'session');
    assert.equal(principal?.cookie, true);
    assert.deepEqual(principal?.scopes, [
      'streams:read',
      'streams:write',
      'keys:read',
      'sessions:read',
      'recordings:write',
      'tokens:write',
    ]);
    assert.ok(auth.csrfMatches(principal.csrfHash, body.csrfToken));
    assert.ok(!auth.csrfMatches(principal.csrfHash, 'forged'));
    assert.ok(!auth.csrfMatches(undefined, body.csrfToken));

    users.rows.get('moderator')!.disabled = true;
    assert.equal(await auth.authenticate(body.accessToken!, false), undefined);
    users.rows.get('moderator')!.disabled = false;
    const [session] = [...credentials.sessions.values()];
    session!.expiresAt = new Date(Date.now() - 1);
    assert.equal(await auth.authenticate(body.accessToken!, false), undefined);
    session!.expiresAt = new Date(Date.now() + 60_000);
    await auth.logout(principalOf('moderator', 'moderator', { credentialId: session!.id }));
    assert.equal(await auth.authenticate(body.accessToken!, false), undefined);
    assert.equal(await auth.authenticate('rrs_unknown', false), undefined);
    assert.equal(await auth.authenticate(`rrs_${'x'.repeat(300)}`, false), undefined);
  });

  it('authenticates an API token with its scopes, never beyond its owner’s role, and never from a cookie', async () => {
    const { auth, credentials } = setup();
    // Stored when its owner could hold it (e.g. a demoted admin): the role decides now.
    const secret = await storeToken(credentials, 'moderator', ['streams:write', 'keys:write', 'users:admin', 'bogus']);
    const principal = await auth.authenticate(secret, false);
    assert.equal(principal?.via, 'api-token');
    assert.deepEqual(principal?.scopes, ['streams:write']);
    assert.equal(await auth.authenticate(secret, true), undefined, 'a token in the session cookie is refused');
    const [token] = [...credentials.tokens.values()];
    assert.ok(token!.lastUsedAt, 'use is tracked');
    token!.expiresAt = new Date(Date.now() - 1);
    assert.equal(await auth.authenticate(secret, false), undefined);
    token!.expiresAt = null;
    token!.revokedAt = new Date();
    assert.equal(await auth.authenticate(secret, false), undefined);
  });

  it('logs out a session (an API token stays valid) and clears both cookies', async () => {
    const { auth, credentials } = setup();
    const { body } = await auth.login('publisher@example.com', 'publisher password', 'ip', undefined, true);
    const secret = await storeToken(credentials, 'publisher', ['streams:read']);
    const byToken = (await auth.authenticate(secret, false))!;
    const cleared = await auth.logout(byToken);
    assert.deepEqual(
      cleared.map((c) => c.split(';').slice(0, 3).join(';')),
      ['rr_session=; Path=/; Max-Age=0', 'rr_csrf=; Path=/; Max-Age=0'],
    );
    assert.ok(await auth.authenticate(body.accessToken!, false), 'logging out with a token ends no session');
    await auth.logout((await auth.authenticate(body.accessToken!, false))!);
    assert.equal(await auth.authenticate(body.accessToken!, false), undefined);
    assert.ok(await auth.authenticate(secret, false));
  });

  it('describes the caller: how they authenticated, their scopes and their role’s capabilities', async () => {
    const { auth, users } = setup();
    const me = await auth.me(principalOf('moderator', 'moderator', { via: 'api-token', scopes: ['streams:read'] }));
    assert.equal(me.email, 'moderator@example.com');
    assert.equal(me.authenticatedVia, 'api-token');
    assert.deepEqual(me.scopes, ['streams:read']);
    assert.deepEqual(me.capabilities, ['others:read']);
    assert.deepEqual((await auth.me(principalOf('admin', 'admin'))).capabilities, ['others:read', 'others:write']);
    users.rows.delete('publisher');
    await assert.rejects(auth.me(principalOf('publisher', 'publisher')), { status: 401 });
  });

  it('changes the own password with the current one: the other sessions end and the tokens, this one stays', async () => {
    const { auth, users, audit, credentials } = setup();
    const here = await auth.login('publisher@example.com', 'publisher password', 'ip', undefined, true);
    const elsewhere = await auth.login('publisher@example.com', 'publisher password', 'ip', undefined, true);
    const token = await storeToken(credentials, 'publisher', ['streams:read']);
    const othersToken = await storeToken(credentials, 'moderator', ['streams:read']);
    const principal = (await auth.authenticate(here.body.accessToken!, false))!;
    await assert.rejects(auth.changePassword(principal, 'wrong', 'a new long password', 'ip'), {
      status: 401,
      message: 'The current password is wrong.',
    });
    await auth.changePassword(principal, 'publisher password', 'a new long password', 'ip');
    assert.equal(users.rows.get('publisher')!.passwordHash, 'hashed:a new long password');
    assert.ok(await auth.authenticate(here.body.accessToken!, false));
    assert.equal(await auth.authenticate(elsewhere.body.accessToken!, false), undefined);
    assert.equal(await auth.authenticate(token, false), undefined, 'the API token is revoked');
    assert.ok(await auth.authenticate(othersToken, false), 'another user’s token is not');
    assert.deepEqual(audit.entries.at(-1), {
      actorId: 'publisher',
      action: 'user.password_changed',
      targetType: 'user',
      targetId: 'publisher',
    });
  });

  it('changes a password only from a login session, never with an API token', async () => {
    const { auth, credentials, users } = setup();
    const token = await storeToken(credentials, 'publisher', ['streams:read', 'keys:write']);
    const principal = (await auth.authenticate(token, false))!;
    await assert.rejects(auth.changePassword(principal, 'publisher password', 'taken over by a token', 'ip'), {
      status: 403,
      message: /needs a login session/,
    });
    assert.equal(users.rows.get('publisher')!.passwordHash, 'hashed:publisher password');
  });

  it('checks the current password under the login limits: guessing it through a session is throttled', async () => {
    const { auth, later } = setup();
    const { body } = await auth.login('publisher@example.com', 'publisher password', '10.0.0.1', undefined, true);
    const principal = (await auth.authenticate(body.accessToken!, false))!;
    for (let i = 0; i < 5; i++)
      await assert.rejects(auth.changePassword(principal, `guess ${i}`, 'a new long password', '10.0.0.1'), {
        status: 401,
      });
    const limited = await auth
      .changePassword(principal, 'publisher password', 'a new long password', '10.0.0.1')
      .catch((e: unknown) => e);
    assert.equal((limited as HttpException).getStatus(), 429);
    await assert.rejects(auth.login('publisher@example.com', 'publisher password', '10.0.0.1', undefined), {
      status: 429,
    });
    later(15 * 60_000);
    await auth.changePassword(principal, 'publisher password', 'a new long password', '10.0.0.1');
  });
});
