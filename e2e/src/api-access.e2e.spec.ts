import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { queryRows, type ServerProcess } from '@rapidrtmp/test-support';
import { ADMIN, type AdminServer, startAdminServer } from './support/admin-server.js';
import { ApiClient } from './support/api-client.js';

type Role = 'anonymous' | 'publisher' | 'moderator' | 'admin';
const ROLES: Role[] = ['anonymous', 'publisher', 'moderator', 'admin'];

describe('REST API: authentication, roles and tokens', { timeout: 120_000 }, () => {
  let started: AdminServer | undefined;
  let db: TestDatabase;
  let server: ServerProcess;
  let admin: ApiClient;
  const clients = {} as Record<Role, ApiClient>;
  const ids = {} as Record<Role, string>;

  before(async () => {
    started = await startAdminServer('rr_api');
    ({ db, server, admin } = started);
    clients.anonymous = new ApiClient(server.baseUrl);
    clients.admin = admin;
    ids.admin = (await admin.get('/api/v1/me')).body.id;
    for (const role of ['publisher', 'moderator'] as const) {
      const created = await admin.post('/api/v1/users', {
        email: `${role}@example.com`,
        password: `${role} password 1`,
        role,
        displayName: `The ${role}`,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ids[role] = created.body.id;
      clients[role] = (await ApiClient.login(server.baseUrl, `${role}@example.com`, `${role} password 1`)).client;
    }
  });

  after(async () => {
    await started?.stop();
  });

  it('logs in with a session cookie and CSRF protection, and logs out at once', async () => {
    // A browser's login: no `bearer`, so the session is only in the httpOnly cookie, not in the JSON.
    const login = await new ApiClient(server.baseUrl).post('/api/v1/auth/login', ADMIN);
    assert.equal(login.status, 200);
    assert.equal(login.body.accessToken, undefined);
    assert.ok(login.body.csrfToken);
    const cookies = login.headers.getSetCookie();
    const session = /rr_session=([^;]+)/.exec(cookies.join('\n'))?.[1];
    const csrf = /rr_csrf=([^;]+)/.exec(cookies.join('\n'))?.[1];
    assert.ok(session && csrf);
    assert.match(
      cookies.find((c) => c.startsWith('rr_session='))!,
      /HttpOnly/,
    );
    assert.match(
      cookies.find((c) => c.startsWith('rr_session='))!,
      /SameSite=Lax/,
    );
    assert.doesNotMatch(
      cookies.find((c) => c.startsWith('rr_csrf='))!,
      /HttpOnly/,
    );

    const byCookie = ApiClient.withCookie(server.baseUrl, decodeURIComponent(session));
    assert.equal((await byCookie.get('/api/v1/me')).status, 200);
    const noCsrf = await byCookie.post('/api/v1/stream-keys', { label: 'x' });
    assert.equal(noCsrf.status, 403);
    assert.match(noCsrf.body.detail, /CSRF/);
    assert.match(noCsrf.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const withCsrf = ApiClient.withCookie(server.baseUrl, decodeURIComponent(session), decodeURIComponent(csrf));
    assert.equal((await withCsrf.post('/api/v1/stream-keys', { label: 'cookie key' })).status, 201);

    assert.equal((await withCsrf.post('/api/v1/auth/logout')).status, 204);
    assert.equal((await byCookie.get('/api/v1/me')).status, 401, 'the session stops working at once');
  });

  it('answers a wrong password and an unknown e-mail alike, and rate-limits per account', async () => {
    const anonymous = new ApiClient(server.baseUrl);
    const wrong = await anonymous.post('/api/v1/auth/login', { email: 'publisher@example.com', password: 'nope' });
    const unknown = await anonymous.post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'nope' });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.detail, unknown.body.detail);
    for (let i = 0; i < 5; i++)
      await anonymous.post('/api/v1/auth/login', { email: 'victim@example.com', password: `guess ${i}` });
    const limited = await anonymous.post('/api/v1/auth/login', { email: 'victim@example.com', password: 'guess' });
    assert.equal(limited.status, 429);
    assert.match(limited.body.detail, /Too many login attempts/);
  });

  it('validates request bodies and rejects unknown fields with problem+json', async () => {
    const response = await admin.post('/api/v1/users', {
      email: 'not-an-email',
      password: 'short',
      role: 'king',
      extra: true,
    });
    assert.equal(response.status, 400);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.ok(response.body.errors.some((e: string) => /extra should not exist/.test(e)));
    assert.ok(response.body.errors.some((e: string) => /email/.test(e)));
  });

  it('scopes API tokens, tracks their use, and revokes them at once', async () => {
    const created = await clients.publisher.post('/api/v1/api-tokens', {
      label: 'read only',
      scopes: ['streams:read', 'keys:read'],
    });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^rrt_/);
    const token = admin.withToken(created.body.token);
    assert.equal((await token.get('/api/v1/stream-keys')).status, 200);
    const denied = await token.post('/api/v1/stream-keys', { label: 'nope' });
    assert.equal(denied.status, 403);
    assert.match(denied.body.detail, /scope keys:write/);
    const tooMuch = await clients.publisher.post('/api/v1/api-tokens', { label: 'x', scopes: ['users:admin'] });
    assert.equal(tooMuch.status, 400);
    const listed = await clients.publisher.get('/api/v1/api-tokens');
    assert.equal(
      listed.body.some((t: Record<string, unknown>) => 'token' in t),
      false,
      'lists never show the secret',
    );
    const [row] = await queryRows<{ last_used_at: Date | null; token_hash: string }>(
      db.url,
      'SELECT last_used_at, token_hash FROM api_tokens WHERE id = $1',
      [created.body.id],
    );
    assert.ok(row!.last_used_at, 'last_used_at tracked');
    assert.notEqual(row!.token_hash, created.body.token);
    assert.equal((await clients.publisher.delete(`/api/v1/api-tokens/${created.body.id}`)).status, 204);
    assert.equal((await token.get('/api/v1/stream-keys')).status, 401);
  });

  it('enforces the role matrix on every route of the OpenAPI document', async () => {
    const document = (await new ApiClient(server.baseUrl).get('/api/openapi.json')).body;
    const pubKey = (await clients.publisher.post('/api/v1/stream-keys', { label: 'matrix' })).body;
    const missing = randomUUID();
    const disposableKey = async (role: Role) => {
      const owner = role === 'admin' || role === 'publisher' ? clients[role] : clients.publisher;
      return (await owner.post('/api/v1/stream-keys', { label: `for ${role}` })).body.id as string;
    };
    const disposableUser = async () =>
      (
        await admin.post('/api/v1/users', {
          email: `u-${randomUUID()}@example.com`,
          password: 'password password',
          role: 'publisher',
        })
      ).body.id as string;
    const webhook = async () =>
      (await admin.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', description: 'matrix' })).body
        .id as string;
    // A disabled target on the publisher's key (loopback is allowed for the tests' servers): nothing is pushed.
    const PUSH_TARGET = {
      label: 'matrix',
      url: 'rtmp://127.0.0.1:9/live',
      streamKey: 'matrix-key-0123456789',
      enabled: false,
    };
    const ownTarget = async () => {
      const created = await clients.publisher.post(`/api/v1/stream-keys/${pubKey.id}/push-targets`, PUSH_TARGET);
      return `/api/v1/stream-keys/${pubKey.id}/push-targets/${String(created.body.id)}`;
    };
    const ownToken = async (role: Role) =>
      role === 'anonymous'
        ? missing
        : (await clients[role].post('/api/v1/api-tokens', { label: 't', scopes: ['streams:read'] })).body.id;

    // [method, path template, body, expected status per role: anonymous, publisher, moderator, admin]
    type Case = [
      string,
      string,
      (role: Role) => Promise<{ path: string; body?: unknown }>,
      [number, number, number, number],
    ];
    const fixed = (path: string, body?: unknown) => async () => ({ path, body });
    const cases: Case[] = [
      ['get', '/api/v1/version', fixed('/api/v1/version'), [200, 200, 200, 200]],
      [
        'post',
        '/api/v1/auth/login',
        fixed('/api/v1/auth/login', { email: 'x@example.com', password: 'y' }),
        [401, 401, 401, 401],
      ],
      ['get', '/api/v1/me', fixed('/api/v1/me'), [401, 200, 200, 200]],
      [
        'post',
        '/api/v1/me/password',
        fixed('/api/v1/me/password', { currentPassword: 'wrong', newPassword: 'a new password 1' }),
        [401, 401, 401, 401],
      ],
      ['get', '/api/v1/roles', fixed('/api/v1/roles'), [401, 200, 200, 200]],
      ['get', '/api/v1/users', fixed('/api/v1/users'), [401, 403, 403, 200]],
      [
        'post',
        '/api/v1/users',
        async () => ({
          path: '/api/v1/users',
          body: { email: `n-${randomUUID()}@example.com`, password: 'password password', role: 'publisher' },
        }),
        [401, 403, 403, 201],
      ],
      ['get', '/api/v1/users/{id}', async () => ({ path: `/api/v1/users/${ids.publisher}` }), [401, 403, 403, 200]],
      [
        'patch',
        '/api/v1/users/{id}',
        async () => ({ path: `/api/v1/users/${await disposableUser()}`, body: { displayName: 'Renamed' } }),
        [401, 403, 403, 200],
      ],
      [
        'post',
        '/api/v1/users/{id}/password',
        async () => ({
          path: `/api/v1/users/${await disposableUser()}/password`,
          body: { password: 'another password' },
        }),
        [401, 403, 403, 204],
      ],
      ['get', '/api/v1/stream-keys', fixed('/api/v1/stream-keys'), [401, 200, 200, 200]],
      ['post', '/api/v1/stream-keys', fixed('/api/v1/stream-keys', { label: 'new' }), [401, 201, 403, 201]],
      [
        'get',
        '/api/v1/stream-keys/{id}',
        async () => ({ path: `/api/v1/stream-keys/${pubKey.id}` }),
        [401, 200, 200, 200],
      ],
      [
        'patch',
        '/api/v1/stream-keys/{id}',
        async () => ({ path: `/api/v1/stream-keys/${pubKey.id}`, body: { label: 'renamed' } }),
        [401, 200, 403, 200],
      ],
      [
        'get',
        '/api/v1/stream-keys/{id}/push-targets',
        async () => ({ path: `/api/v1/stream-keys/${pubKey.id}/push-targets` }),
        [401, 200, 200, 200],
      ],
      [
        'post',
        '/api/v1/stream-keys/{id}/push-targets',
        async () => ({ path: `/api/v1/stream-keys/${pubKey.id}/push-targets`, body: PUSH_TARGET }),
        [401, 201, 403, 201],
      ],
      [
        'patch',
        '/api/v1/stream-keys/{id}/push-targets/{targetId}',
        async () => ({ path: await ownTarget(), body: { label: 'renamed' } }),
        [401, 200, 403, 200],
      ],
      [
        'delete',
        '/api/v1/stream-keys/{id}/push-targets/{targetId}',
        async () => ({ path: await ownTarget() }),
        [401, 204, 403, 204],
      ],
      [
        'post',
        '/api/v1/stream-keys/{id}/revoke',
        async (r) => ({ path: `/api/v1/stream-keys/${await disposableKey(r)}/revoke` }),
        [401, 200, 403, 200],
      ],
      [
        'post',
        '/api/v1/stream-keys/{id}/regenerate',
        async (r) => ({ path: `/api/v1/stream-keys/${await disposableKey(r)}/regenerate` }),
        [401, 200, 403, 200],
      ],
      [
        'post',
        '/api/v1/stream-keys/{id}/ban',
        async () => ({ path: `/api/v1/stream-keys/${pubKey.id}/ban`, body: { seconds: 60 } }),
        [401, 403, 200, 200],
      ],
      [
        'delete',
        '/api/v1/stream-keys/{id}/ban',
        async () => ({ path: `/api/v1/stream-keys/${pubKey.id}/ban` }),
        [401, 403, 204, 204],
      ],
      [
        'post',
        '/api/v1/stream-keys/{id}/playback-token',
        async () => ({ path: `/api/v1/stream-keys/${pubKey.id}/playback-token` }),
        [401, 200, 200, 200],
      ],
      ['get', '/api/v1/streams/live', fixed('/api/v1/streams/live'), [401, 200, 200, 200]],
      ['get', '/api/v1/streams/{id}', fixed(`/api/v1/streams/${missing}`), [401, 404, 404, 404]],
      ['post', '/api/v1/streams/{id}/stop', fixed(`/api/v1/streams/${missing}/stop`), [401, 403, 404, 404]],
      ['get', '/api/v1/sessions', fixed('/api/v1/sessions'), [401, 200, 200, 200]],
      ['get', '/api/v1/sessions/{id}', fixed(`/api/v1/sessions/${missing}`), [401, 404, 404, 404]],
      ['get', '/api/v1/api-tokens', fixed('/api/v1/api-tokens'), [401, 200, 200, 200]],
      [
        'post',
        '/api/v1/api-tokens',
        fixed('/api/v1/api-tokens', { label: 't', scopes: ['streams:read'] }),
        [401, 201, 201, 201],
      ],
      [
        'delete',
        '/api/v1/api-tokens/{id}',
        async (r) => ({ path: `/api/v1/api-tokens/${await ownToken(r)}` }),
        [401, 204, 204, 204],
      ],
      ['post', '/api/v1/auth/logout', fixed('/api/v1/auth/logout'), [401, 204, 204, 204]],
      ['get', '/api/v1/recordings', fixed('/api/v1/recordings'), [401, 200, 200, 200]],
      ['get', '/api/v1/recordings/{id}', fixed(`/api/v1/recordings/${missing}`), [401, 404, 404, 404]],
      [
        'get',
        '/api/v1/recordings/{id}/download',
        fixed(`/api/v1/recordings/${missing}/download`),
        [401, 404, 404, 404],
      ],
      ['delete', '/api/v1/recordings/{id}', fixed(`/api/v1/recordings/${missing}`), [401, 404, 404, 404]],
      ['get', '/api/v1/webhooks', fixed('/api/v1/webhooks'), [401, 403, 403, 200]],
      [
        'post',
        '/api/v1/webhooks',
        fixed('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['stream.started'] }),
        [401, 403, 403, 201],
      ],
      [
        'get',
        '/api/v1/webhooks/{id}',
        async () => ({ path: `/api/v1/webhooks/${await webhook()}` }),
        [401, 403, 403, 200],
      ],
      [
        'patch',
        '/api/v1/webhooks/{id}',
        async () => ({ path: `/api/v1/webhooks/${await webhook()}`, body: { description: 'x' } }),
        [401, 403, 403, 200],
      ],
      [
        'delete',
        '/api/v1/webhooks/{id}',
        async (r) => ({ path: `/api/v1/webhooks/${r === 'admin' ? await webhook() : missing}` }),
        [401, 403, 403, 204],
      ],
      [
        'get',
        '/api/v1/webhooks/{id}/deliveries',
        async () => ({ path: `/api/v1/webhooks/${await webhook()}/deliveries` }),
        [401, 403, 403, 200],
      ],
      [
        'post',
        '/api/v1/webhooks/{id}/test',
        async () => ({ path: `/api/v1/webhooks/${await webhook()}/test` }),
        [401, 403, 403, 202],
      ],
    ];

    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`),
    );
    assert.deepEqual(
      cases.map(([m, p]) => `${m} ${p}`).sort(),
      documented.sort(),
      'the matrix covers exactly the documented routes',
    );

    const failures: string[] = [];
    for (const [method, template, make, expected] of cases) {
      for (const [i, role] of ROLES.entries()) {
        // Logout ends the caller's session: use a throwaway login for it.
        const client =
          template === '/api/v1/auth/logout' && role !== 'anonymous'
            ? (
                await ApiClient.login(
                  server.baseUrl,
                  role === 'admin' ? ADMIN.email : `${role}@example.com`,
                  role === 'admin' ? ADMIN.password : `${role} password 1`,
                )
              ).client
            : clients[role];
        const { path, body } = await make(role);
        const response = await client.request(
          method.toUpperCase(),
          path,
          body ?? (method === 'get' || method === 'delete' ? undefined : {}),
        );
        if (response.status !== expected[i])
          failures.push(
            `${role} ${method.toUpperCase()} ${template}: ${response.status} (expected ${expected[i]}) ${JSON.stringify(response.body).slice(0, 200)}`,
          );
      }
    }
    assert.deepEqual(failures, []);
  });

  it('describes every role to every user, and each user what their role reaches', async () => {
    const roles = await clients.publisher.get('/api/v1/roles');
    assert.equal(roles.status, 200);
    const capabilities = new Map(
      roles.body.map((r: { name: string; capabilities: string[] }) => [r.name, r.capabilities]),
    );
    assert.equal(roles.body[0].name, 'admin', 'most powerful first');
    assert.deepEqual(capabilities.get('admin'), ['others:read', 'others:write']);
    assert.deepEqual(capabilities.get('moderator'), ['others:read']);
    assert.deepEqual(capabilities.get('publisher'), []);
    const moderator = roles.body.find((r: { name: string }) => r.name === 'moderator');
    assert.equal(moderator.label, 'Moderator');
    assert.ok(moderator.scopes.includes('streams:write') && !moderator.scopes.includes('keys:write'));
    for (const role of ['publisher', 'moderator', 'admin'] as const) {
      const me = (await clients[role].get('/api/v1/me')).body;
      const described = roles.body.find((r: { name: string }) => r.name === role);
      assert.deepEqual(me.capabilities, described.capabilities, role);
      assert.deepEqual(me.scopes, described.scopes, `${role}: a login carries its role's scopes`);
    }
  });

  it('publishes a valid OpenAPI document with security schemes on every protected route', async () => {
    const document = (await new ApiClient(server.baseUrl).get('/api/openapi.json')).body;
    await SwaggerParser.validate(structuredClone(document));
    assert.ok(document.components.securitySchemes.apiToken);
    assert.ok(document.components.securitySchemes.session);
    for (const [path, operations] of Object.entries(
      document.paths as Record<string, Record<string, { security?: unknown[]; operationId?: string }>>,
    )) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok(operation.operationId, `${method} ${path} has an operationId`);
        const isPublic = path === '/api/v1/version' || path === '/api/v1/auth/login';
        assert.equal(Boolean(operation.security?.length), !isPublic, `${method} ${path} declares its security`);
      }
    }
  });

  it('never lists a stream key secret', async () => {
    const created = (await clients.publisher.post('/api/v1/stream-keys', { label: 'secret check' })).body;
    assert.match(created.key, /^live_/);
    assert.equal(created.obs.streamKey, created.key);
    const list = await clients.publisher.get('/api/v1/stream-keys');
    assert.ok(!JSON.stringify(list.body).includes(created.key));
    assert.ok(!created.playbackUrl.includes(created.key));
    const [row] = await queryRows<{ key_hash: string }>(db.url, 'SELECT key_hash FROM stream_keys WHERE id = $1', [
      created.id,
    ]);
    assert.notEqual(row!.key_hash, created.key);
    assert.ok(!server.output.includes(created.key), 'not in the log');
  });
});
