import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { FfmpegPublisher, type ServerProcess, testClip, waitFor } from '@rapidrtmp/test-support';
import { type AdminServer, startAdminServer } from './support/admin-server.js';
import { ApiClient, type ApiResponse } from './support/api-client.js';
import { assertCoversEveryOperation } from './support/openapi-operations.js';

const PASSWORD = 'a publisher password';

/** A request a matrix row sends. */
interface Probe {
  path: string;
  body?: unknown;
}

/**
 * What publisher B gets for one route aimed at publisher A: `denied` (403 or 404, never 2xx), `hides`
 * (a list answering 200 without any of A's ids, though A's own call lists them), or `own` for a route that
 * names no resource of anyone else (why).
 */
type CrossOwner = { denied: Probe } | { hides: Probe } | { own: string };

/** The scopes a token needs for a route (`public`: no authentication at all). */
type Needs = readonly string[] | 'public';

/** POSTs that only read (or touch the caller's own login): a token with read scopes may reach them. */
const READING_POSTS = new Set([
  'post /api/v1/auth/login',
  'post /api/v1/auth/logout',
  'post /api/v1/me/password',
  'post /api/v1/stream-keys/{id}/playback-token',
]);

const isReadScope = (scope: string) => scope.endsWith(':read');

/** A restream target at a closed loopback port (the API tests' server allows loopback), created disabled. */
const PUSH_TARGET = { label: 'push', url: 'rtmp://127.0.0.1:9/live', streamKey: 'push-key-0123456789', enabled: false };

/** The request a token sends to see whether the guard lets it through: missing ids, empty bodies (no effect). */
function harmlessProbe(operation: string): { method: string; probe: Probe } {
  const [method, template] = operation.split(' ') as [string, string];
  const path = template.replace(/\{\w+\}/g, () => randomUUID());
  return {
    method: method.toUpperCase(),
    probe: { path, body: method === 'post' || method === 'patch' ? {} : undefined },
  };
}

/** Whether the guard let the request through: anything but its 403 for a missing scope. */
function reachedRoute(response: ApiResponse): boolean {
  return !(response.status === 403 && /lacks scope/.test(String(response.body?.detail)));
}

describe('REST API: other owners’ resources and token scopes, on every route', { timeout: 300_000 }, () => {
  let started: AdminServer | undefined;
  let server: ServerProcess;
  let admin: ApiClient;
  let document: { paths: Record<string, Record<string, unknown>>; components: any };
  let publishing: FfmpegPublisher | undefined;
  /** Publisher A and what A owns; publisher B (a login and a token with every publisher scope). */
  const a = {} as {
    id: string;
    session: ApiClient;
    keyId: string;
    playbackId: string;
    liveId: string;
    sessionId: string;
    recordingId: string;
    tokenId: string;
    token: ApiClient;
    pushTargetId: string;
  };
  const b = {} as { id: string; session: ApiClient; token: ApiClient };
  let webhookId: string;

  const createPublisher = async (name: string) => {
    const email = `${name}-${randomUUID()}@example.com`;
    const created = await admin.post('/api/v1/users', { email, password: PASSWORD, role: 'publisher' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return {
      id: created.body.id as string,
      email,
      session: (await ApiClient.login(server.baseUrl, email, PASSWORD)).client,
    };
  };
  const createToken = async (by: ApiClient, scopes: readonly string[], userId?: string) => {
    const created = await by.post('/api/v1/api-tokens', { label: `t ${scopes.join(' ')}`, scopes, userId });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return { id: created.body.id as string, client: by.withToken(created.body.token) };
  };

  before(async () => {
    started = await startAdminServer('rr_authz');
    ({ server, admin } = started);
    document = (await new ApiClient(server.baseUrl).get('/api/openapi.json')).body;

    const publisherA = await createPublisher('a');
    Object.assign(a, { id: publisherA.id, session: publisherA.session });
    const publisherB = await createPublisher('b');
    const bScopes = (await publisherB.session.get('/api/v1/me')).body.scopes as string[];
    Object.assign(b, {
      id: publisherB.id,
      session: publisherB.session,
      token: (await createToken(publisherB.session, bScopes)).client,
    });
    const key = (await a.session.post('/api/v1/stream-keys', { label: 'A studio' })).body;
    Object.assign(a, { keyId: key.id, playbackId: key.playbackId });
    const pushTarget = await a.session.post(`/api/v1/stream-keys/${key.id}/push-targets`, PUSH_TARGET);
    assert.equal(pushTarget.status, 201, JSON.stringify(pushTarget.body));
    a.pushTargetId = pushTarget.body.id;
    const token = await createToken(a.session, ['streams:read', 'keys:read']);
    Object.assign(a, { tokenId: token.id, token: token.client });
    webhookId = (await admin.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook', description: 'admin’s' })).body
      .id;

    // A goes live for the whole file: a live stream, a session and a recording with stored segments.
    const clip = await testClip();
    publishing = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`, [
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      clip,
    ]);
    a.liveId = await waitFor('A live', async () => (await a.session.get('/api/v1/streams/live')).body[0]?.id, 20_000);
    a.sessionId = await waitFor(
      'A’s session',
      async () => (await a.session.get('/api/v1/sessions')).body.items[0]?.id,
      10_000,
    );
    a.recordingId = await waitFor(
      'A’s recording',
      async () => (await a.session.get('/api/v1/recordings')).body.items[0]?.id,
      10_000,
    );
    await waitFor(
      'a stored segment of A’s recording',
      async () => /seg-\d+\.m4s/.test(await (await fetch(vodUrl())).text()),
      30_000,
      250,
    );
  });

  after(async () => {
    await publishing?.stop();
    await started?.stop();
  });

  const vodUrl = (name = 'index.m3u8', token?: string) =>
    `${server.baseUrl}/vod/${a.recordingId}/${name}${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  it('plays a recording by its key’s signed-playback rule as it is now, not as it was when recording began', async () => {
    const open = await fetch(vodUrl());
    assert.equal(open.status, 200);
    const segment = /^(seg-\d+\.m4s)$/m.exec(await open.text())![1]!;
    assert.equal(
      (await fetch(vodUrl(segment))).headers.get('cache-control'),
      'public, max-age=31536000, immutable',
      'open playback: any cache may keep it',
    );
    assert.equal((await a.session.patch(`/api/v1/stream-keys/${a.keyId}`, { signedPlayback: true })).status, 200);
    try {
      assert.equal((await fetch(vodUrl())).status, 403, 'signing turned on closes the old recording');
      assert.equal((await fetch(vodUrl(segment))).status, 403);
      const { token } = (await a.session.post(`/api/v1/stream-keys/${a.keyId}/playback-token`, {})).body;
      const signed = await fetch(vodUrl('index.m3u8', token));
      assert.equal(signed.status, 200);
      assert.match(await signed.text(), new RegExp(`^${segment}\\?token=`, 'm'));
      const signedSegment = await fetch(vodUrl(segment, token));
      assert.equal(signedSegment.status, 200);
      assert.equal(
        signedSegment.headers.get('cache-control'),
        'private, max-age=31536000, immutable',
        'signed playback: the browser may keep it, a CDN may not',
      );
    } finally {
      assert.equal((await a.session.patch(`/api/v1/stream-keys/${a.keyId}`, { signedPlayback: false })).status, 200);
    }
    assert.equal((await fetch(vodUrl())).status, 200, 'and turned off opens it again');
    assert.match(
      (document.paths['/api/v1/stream-keys/{id}']?.patch as { summary?: string } | undefined)?.summary ?? '',
      /live stream follows from the next publish on, its recordings at once/,
      'the API says what was just seen',
    );
  });

  it('keeps a signed live stream’s segments and parts out of shared caches; an open one’s are public', async () => {
    const signedKey = (await a.session.post('/api/v1/stream-keys', { label: 'A signed', signedPlayback: true })).body;
    const signedPublishing = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${signedKey.key}`, [
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      await testClip(),
    ]);
    try {
      const { token } = (await a.session.post(`/api/v1/stream-keys/${signedKey.id}/playback-token`, {})).body;
      assert.deepEqual(await liveMediaCaching(signedKey.playbackId, token), {
        segment: 'private, max-age=86400, immutable',
        part: 'private, max-age=86400, immutable',
      });
      assert.deepEqual(await liveMediaCaching(a.playbackId), {
        segment: 'public, max-age=86400, immutable',
        part: 'public, max-age=86400, immutable',
      });
    } finally {
      await signedPublishing.stop();
    }
  });

  /** The cache-control of a live stream's latest segment and part, once it has both. */
  const liveMediaCaching = async (playbackId: string, token?: string) => {
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    const base = `${server.baseUrl}/live/${playbackId}/`;
    const text = async (url: string) => {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      return response.status === 200 ? response.text() : undefined;
    };
    const mediaUri = await waitFor(
      `${playbackId}: multivariant`,
      async () => (await text(`${base}index.m3u8${query}`))?.trim().split('\n').pop(),
      20_000,
      250,
    );
    const instance = mediaUri.split('/')[0]!;
    const media = await waitFor(
      `${playbackId}: a segment and a part`,
      async () => {
        const body = await text(base + mediaUri);
        return body && /^seg-\d+\.m4s/m.test(body) && /#EXT-X-PART:.*URI="/.test(body) ? body : undefined;
      },
      20_000,
      250,
    );
    const segment = [...media.matchAll(/^(seg-\d+\.m4s\S*)$/gm)].pop()![1]!;
    const part = [...media.matchAll(/#EXT-X-PART:.*URI="([^"]+)"/g)].pop()![1]!;
    const cacheControl = async (uri: string) => {
      const response = await fetch(`${base}${instance}/${uri}`, { signal: AbortSignal.timeout(10_000) });
      assert.equal(response.status, 200, uri);
      await response.arrayBuffer();
      return response.headers.get('cache-control');
    };
    return { segment: await cacheControl(segment), part: await cacheControl(part) };
  };

  it('gives publisher B (login and token) nothing of publisher A’s on any route', async () => {
    const aIds = () => [a.id, a.keyId, a.playbackId, a.liveId, a.sessionId, a.recordingId, a.tokenId, a.pushTargetId];
    const denied = (path: string, body?: unknown): CrossOwner => ({ denied: { path, body } });
    const hides = (path: string): CrossOwner => ({ hides: { path } });
    const key = `/api/v1/stream-keys/${a.keyId}`;
    const cross: Record<string, CrossOwner> = {
      'get /api/v1/version': { own: 'public, about the server' },
      'post /api/v1/auth/login': { own: 'public: a login is by e-mail and password, not by owner' },
      'post /api/v1/auth/logout': { own: 'ends the caller’s own session' },
      'get /api/v1/me': { own: 'the caller’s own account' },
      'post /api/v1/me/password': { own: 'changes the caller’s own password' },
      'get /api/v1/roles': { own: 'the role table, owned by no one' },
      'get /api/v1/users': denied('/api/v1/users'),
      'post /api/v1/users': denied('/api/v1/users', {
        email: `x-${randomUUID()}@example.com`,
        password: 'password password',
        role: 'admin',
      }),
      'get /api/v1/users/{id}': denied(`/api/v1/users/${a.id}`),
      'patch /api/v1/users/{id}': denied(`/api/v1/users/${a.id}`, { disabled: true }),
      'post /api/v1/users/{id}/password': denied(`/api/v1/users/${a.id}/password`, { password: 'taken over 123' }),
      'get /api/v1/stream-keys': hides(`/api/v1/stream-keys?userId=${a.id}`),
      'post /api/v1/stream-keys': denied('/api/v1/stream-keys', { label: 'for A', userId: a.id }),
      'get /api/v1/stream-keys/{id}': denied(key),
      'patch /api/v1/stream-keys/{id}': denied(key, { label: 'renamed by B', signedPlayback: true }),
      'post /api/v1/stream-keys/{id}/revoke': denied(`${key}/revoke`),
      'post /api/v1/stream-keys/{id}/regenerate': denied(`${key}/regenerate`),
      'post /api/v1/stream-keys/{id}/ban': denied(`${key}/ban`, { seconds: 600 }),
      'delete /api/v1/stream-keys/{id}/ban': denied(`${key}/ban`),
      'post /api/v1/stream-keys/{id}/playback-token': denied(`${key}/playback-token`, {}),
      'get /api/v1/stream-keys/{id}/push-targets': denied(`${key}/push-targets`),
      'post /api/v1/stream-keys/{id}/push-targets': denied(`${key}/push-targets`, PUSH_TARGET),
      'patch /api/v1/stream-keys/{id}/push-targets/{targetId}': denied(`${key}/push-targets/${a.pushTargetId}`, {
        enabled: true,
        url: 'rtmp://127.0.0.1:10/b',
      }),
      'delete /api/v1/stream-keys/{id}/push-targets/{targetId}': denied(`${key}/push-targets/${a.pushTargetId}`),
      'get /api/v1/streams/live': hides('/api/v1/streams/live'),
      'get /api/v1/streams/{id}': denied(`/api/v1/streams/${a.liveId}`),
      'post /api/v1/streams/{id}/stop': denied(`/api/v1/streams/${a.liveId}/stop`, {}),
      'get /api/v1/sessions': hides(`/api/v1/sessions?userId=${a.id}`),
      'get /api/v1/sessions/{id}': denied(`/api/v1/sessions/${a.sessionId}`),
      'get /api/v1/api-tokens': hides(`/api/v1/api-tokens?userId=${a.id}`),
      'post /api/v1/api-tokens': denied('/api/v1/api-tokens', { label: 'for A', scopes: ['keys:read'], userId: a.id }),
      'delete /api/v1/api-tokens/{id}': denied(`/api/v1/api-tokens/${a.tokenId}`),
      'get /api/v1/recordings': hides(`/api/v1/recordings?userId=${a.id}`),
      'get /api/v1/recordings/{id}': denied(`/api/v1/recordings/${a.recordingId}`),
      'get /api/v1/recordings/{id}/download': denied(`/api/v1/recordings/${a.recordingId}/download`),
      'delete /api/v1/recordings/{id}': denied(`/api/v1/recordings/${a.recordingId}`),
      'get /api/v1/webhooks': denied('/api/v1/webhooks'),
      'post /api/v1/webhooks': denied('/api/v1/webhooks', { url: 'http://127.0.0.1:9/b', events: ['stream.started'] }),
      'get /api/v1/webhooks/{id}': denied(`/api/v1/webhooks/${webhookId}`),
      'patch /api/v1/webhooks/{id}': denied(`/api/v1/webhooks/${webhookId}`, { url: 'http://127.0.0.1:9/b' }),
      'delete /api/v1/webhooks/{id}': denied(`/api/v1/webhooks/${webhookId}`),
      'get /api/v1/webhooks/{id}/deliveries': denied(`/api/v1/webhooks/${webhookId}/deliveries`),
      'post /api/v1/webhooks/{id}/test': denied(`/api/v1/webhooks/${webhookId}/test`, {}),
    };
    assertCoversEveryOperation(cross, document, 'the cross-owner matrix');

    const failures: string[] = [];
    for (const [operation, expected] of Object.entries(cross)) {
      if ('own' in expected) continue;
      const method = operation.split(' ')[0]!.toUpperCase();
      const { path, body } = 'denied' in expected ? expected.denied : expected.hides;
      if ('hides' in expected) {
        const owners = await a.session.request(method, path);
        if (!aIds().some((id) => JSON.stringify(owners.body).includes(id)))
          failures.push(`${operation}: A’s own call lists nothing of A’s, so hiding proves nothing`);
      }
      for (const [who, client] of [
        ['B’s login', b.session],
        ['B’s token', b.token],
      ] as const) {
        const response = await client.request(method, path, body);
        const leaked = aIds().filter((id) => JSON.stringify(response.body ?? '').includes(id));
        const ok =
          'denied' in expected
            ? response.status === 403 || response.status === 404
            : response.status === 200 && leaked.length === 0;
        if (!ok)
          failures.push(`${who} ${method} ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 160)}`);
      }
    }
    assert.deepEqual(failures, []);

    // Nothing of A's changed along the way.
    const keyNow = (await a.session.get(`/api/v1/stream-keys/${a.keyId}`)).body;
    assert.deepEqual(
      [keyNow.label, keyNow.revokedAt, keyNow.bannedUntil, keyNow.signedPlayback, keyNow.live],
      ['A studio', null, null, false, true],
    );
    assert.equal((await a.token.get('/api/v1/me')).status, 200, 'A’s token works');
    assert.equal((await a.session.get(`/api/v1/recordings/${a.recordingId}`)).status, 200);
    assert.equal((await admin.get(`/api/v1/users/${a.id}`)).body.disabled, false);
    assert.equal((await admin.get(`/api/v1/webhooks/${webhookId}`)).status, 200);
    const pushTargets = (await a.session.get(`${key}/push-targets`)).body as Array<{ id: string; url: string }>;
    assert.deepEqual(
      pushTargets.map((t) => [t.id, t.url]),
      [[a.pushTargetId, PUSH_TARGET.url]],
      'A’s restream target untouched',
    );
  });

  it('lets a token reach each route only with the route’s scope, and read scopes never a writing route', async () => {
    // Written here, not read from the server: a route whose policy drifts fails this table.
    const needs: Record<string, Needs> = {
      'get /api/v1/version': 'public',
      'post /api/v1/auth/login': 'public',
      'post /api/v1/auth/logout': [],
      'get /api/v1/me': [],
      'post /api/v1/me/password': [],
      'get /api/v1/roles': [],
      'get /api/v1/users': ['users:admin'],
      'post /api/v1/users': ['users:admin'],
      'get /api/v1/users/{id}': ['users:admin'],
      'patch /api/v1/users/{id}': ['users:admin'],
      'post /api/v1/users/{id}/password': ['users:admin'],
      'get /api/v1/stream-keys': ['keys:read'],
      'post /api/v1/stream-keys': ['keys:write'],
      'get /api/v1/stream-keys/{id}': ['keys:read'],
      'patch /api/v1/stream-keys/{id}': ['keys:write'],
      'post /api/v1/stream-keys/{id}/revoke': ['keys:write'],
      'post /api/v1/stream-keys/{id}/regenerate': ['keys:write'],
      'post /api/v1/stream-keys/{id}/ban': ['streams:write'],
      'delete /api/v1/stream-keys/{id}/ban': ['streams:write'],
      'post /api/v1/stream-keys/{id}/playback-token': ['keys:read'],
      'get /api/v1/stream-keys/{id}/push-targets': ['keys:read'],
      'post /api/v1/stream-keys/{id}/push-targets': ['keys:write'],
      'patch /api/v1/stream-keys/{id}/push-targets/{targetId}': ['keys:write'],
      'delete /api/v1/stream-keys/{id}/push-targets/{targetId}': ['keys:write'],
      'get /api/v1/streams/live': ['streams:read'],
      'get /api/v1/streams/{id}': ['streams:read'],
      'post /api/v1/streams/{id}/stop': ['streams:write'],
      'get /api/v1/sessions': ['sessions:read'],
      'get /api/v1/sessions/{id}': ['sessions:read'],
      'get /api/v1/api-tokens': ['tokens:write'],
      'post /api/v1/api-tokens': ['tokens:write'],
      'delete /api/v1/api-tokens/{id}': ['tokens:write'],
      'get /api/v1/recordings': ['sessions:read'],
      'get /api/v1/recordings/{id}': ['sessions:read'],
      'get /api/v1/recordings/{id}/download': ['sessions:read'],
      'delete /api/v1/recordings/{id}': ['recordings:write'],
      'get /api/v1/webhooks': ['webhooks:admin'],
      'post /api/v1/webhooks': ['webhooks:admin'],
      'get /api/v1/webhooks/{id}': ['webhooks:admin'],
      'patch /api/v1/webhooks/{id}': ['webhooks:admin'],
      'delete /api/v1/webhooks/{id}': ['webhooks:admin'],
      'get /api/v1/webhooks/{id}/deliveries': ['webhooks:admin'],
      'post /api/v1/webhooks/{id}/test': ['webhooks:admin'],
    };
    assertCoversEveryOperation(needs, document, 'the scope matrix');
    const scopes: string[] = document.components.schemas.CreateApiTokenDto.properties.scopes.items.enum;
    for (const [operation, needed] of Object.entries(needs)) {
      if (needed === 'public') continue;
      assert.ok(
        needed.every((s) => scopes.includes(s)),
        `${operation}: known scopes`,
      );
      if (!operation.startsWith('get ') && !READING_POSTS.has(operation))
        assert.ok(
          needed.some((s) => !isReadScope(s)),
          `${operation} writes, so it needs a scope beyond reading`,
        );
    }

    // An admin's tokens: the role allows every scope, so only the token's scopes decide.
    const readOnly = scopes.filter(isReadScope);
    const tokens: Array<[string[], ApiClient]> = [[readOnly, (await createToken(admin, readOnly)).client]];
    for (const scope of scopes) tokens.push([[scope], (await createToken(admin, [scope])).client]);
    const failures: string[] = [];
    for (const [operation, needed] of Object.entries(needs)) {
      if (needed === 'public') continue;
      for (const [held, client] of tokens) {
        const { method, probe } = harmlessProbe(operation);
        const response = await client.request(method, probe.path, probe.body);
        const expected = needed.every((s) => held.includes(s));
        if (reachedRoute(response) !== expected)
          failures.push(
            `token [${held.join(' ')}] ${operation}: ${response.status} (${expected ? 'should reach' : 'should be refused'}) ${JSON.stringify(response.body).slice(0, 120)}`,
          );
      }
    }
    assert.deepEqual(failures, []);
  });

  it('lets a token mint only tokens within its own scopes, and for others only with users:admin', async () => {
    const narrow = (await createToken(admin, ['tokens:write'])).client;
    const stronger = await narrow.post('/api/v1/api-tokens', { label: 'x', scopes: ['users:admin', 'tokens:write'] });
    assert.equal(stronger.status, 403, JSON.stringify(stronger.body));
    const forA = await narrow.post('/api/v1/api-tokens', { label: 'x', scopes: ['tokens:write'], userId: a.id });
    assert.equal(forA.status, 403, JSON.stringify(forA.body));
    assert.equal((await narrow.post('/api/v1/api-tokens', { label: 'same', scopes: ['tokens:write'] })).status, 201);
    const delegate = (await createToken(admin, ['users:admin', 'tokens:write', 'keys:read'])).client;
    const issued = await delegate.post('/api/v1/api-tokens', { label: 'y', scopes: ['keys:read'], userId: a.id });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    assert.equal(issued.body.ownerId, a.id);
    assert.equal(
      (await delegate.post('/api/v1/api-tokens', { label: 'z', scopes: ['keys:write'], userId: a.id })).status,
      403,
    );
  });

  it('revokes the tokens a token minted, and theirs, with it: A mints B, B mints C, revoking A stops all three', async () => {
    const tokenA = await createToken(b.session, ['tokens:write', 'streams:read']);
    const tokenB = await createToken(tokenA.client, ['tokens:write', 'streams:read']);
    const tokenC = await createToken(tokenB.client, ['streams:read']);
    const bystander = await createToken(b.session, ['streams:read']);
    const listed = new Map(
      (await b.session.get('/api/v1/api-tokens')).body.map((t: { id: string; parentId: string | null }) => [
        t.id,
        t.parentId,
      ]),
    );
    assert.deepEqual(
      [tokenA.id, tokenB.id, tokenC.id].map((id) => listed.get(id)),
      [null, tokenA.id, tokenB.id],
    );
    const me = async (client: ApiClient) => (await client.get('/api/v1/me')).status;
    assert.deepEqual(await Promise.all([tokenA, tokenB, tokenC].map((t) => me(t.client))), [200, 200, 200]);

    assert.equal((await b.session.delete(`/api/v1/api-tokens/${tokenA.id}`)).status, 204);
    assert.deepEqual(await Promise.all([tokenA, tokenB, tokenC].map((t) => me(t.client))), [401, 401, 401]);
    assert.equal(await me(bystander.client), 200, 'a token A did not mint lives on');
    const afterwards = (await b.session.get('/api/v1/api-tokens')).body as Array<{
      id: string;
      revokedAt: string | null;
    }>;
    assert.ok([tokenB.id, tokenC.id].every((id) => afterwards.find((t) => t.id === id)?.revokedAt));
  });

  it('lets an admin’s token act on other users’ keys only with users:admin, and moderate them by its scope', async () => {
    const spare = (await a.session.post('/api/v1/stream-keys', { label: 'A spare' })).body;
    const spareUrl = `/api/v1/stream-keys/${spare.id}`;
    const keysOnly = (await createToken(admin, ['keys:read', 'keys:write', 'tokens:write', 'streams:write'])).client;
    const aKeyCount = async () => (await a.session.get('/api/v1/stream-keys')).body.length as number;
    const aKeysBefore = await aKeyCount();
    const refused = [
      await keysOnly.post('/api/v1/stream-keys', { label: 'for A', userId: a.id }),
      await keysOnly.patch(spareUrl, { label: 'taken', signedPlayback: true }),
      await keysOnly.post(`${spareUrl}/revoke`),
      await keysOnly.post(`${spareUrl}/regenerate`),
      await keysOnly.post('/api/v1/api-tokens', { label: 'for A', scopes: ['keys:read'], userId: a.id }),
      await keysOnly.delete(`/api/v1/api-tokens/${a.tokenId}`),
    ];
    assert.deepEqual(
      refused.map((r) => r.status),
      [403, 403, 403, 403, 403, 404],
      JSON.stringify(refused.map((r) => r.body)),
    );
    const untouched = (await a.session.get(spareUrl)).body;
    assert.deepEqual(
      [untouched.label, untouched.revokedAt, untouched.signedPlayback, untouched.keyPrefix],
      ['A spare', null, false, spare.keyPrefix],
    );
    assert.equal((await a.token.get('/api/v1/me')).status, 200, 'A’s token still works');
    assert.equal(await aKeyCount(), aKeysBefore, 'no key was created for A');
    // A key's restream targets follow the key: managing them on another user's key needs users:admin too.
    assert.equal((await keysOnly.post(`${spareUrl}/push-targets`, PUSH_TARGET)).status, 403);
    assert.equal((await keysOnly.get(`${spareUrl}/push-targets`)).status, 200, 'seeing them is others:read');

    // Seeing and banning other users' keys is moderation: streams:write, as a moderator's token has it.
    assert.equal((await keysOnly.get(spareUrl)).status, 200);
    assert.equal((await keysOnly.post(`${spareUrl}/ban`, { seconds: 60 })).status, 200);
    assert.equal((await keysOnly.delete(`${spareUrl}/ban`)).status, 204);

    const delegate = (await createToken(admin, ['keys:read', 'keys:write', 'users:admin'])).client;
    const forA = await delegate.post('/api/v1/stream-keys', { label: 'for A by the delegate', userId: a.id });
    assert.equal(forA.status, 201, JSON.stringify(forA.body));
    assert.equal(forA.body.ownerId, a.id);
    assert.equal(
      (await delegate.patch(spareUrl, { label: 'renamed by the delegate' })).body.label,
      'renamed by the delegate',
    );
    assert.equal((await delegate.post(`${spareUrl}/push-targets`, PUSH_TARGET)).status, 201);
    assert.equal((await delegate.post(`${spareUrl}/revoke`)).status, 200);
  });

  it('revokes a user’s tokens on a password reset, an own password change and a disable, and keeps revoked keys revoked', async () => {
    const user = await createPublisher('c');
    const me = (client: ApiClient) => client.get('/api/v1/me').then((r) => r.status);
    const login = async (password = PASSWORD) => (await ApiClient.login(server.baseUrl, user.email, password)).client;

    const beforeReset = (await createToken(user.session, ['streams:read'])).client;
    assert.equal((await admin.post(`/api/v1/users/${user.id}/password`, { password: 'reset by admin 1' })).status, 204);
    assert.deepEqual([await me(beforeReset), await me(user.session)], [401, 401]);

    const here = await login('reset by admin 1');
    const elsewhere = await login('reset by admin 1');
    const beforeChange = (await createToken(here, ['streams:read'])).client;
    const changed = await here.post('/api/v1/me/password', {
      currentPassword: 'reset by admin 1',
      newPassword: 'changed by me 12',
    });
    assert.equal(changed.status, 204, JSON.stringify(changed.body));
    assert.deepEqual([await me(here), await me(elsewhere), await me(beforeChange)], [200, 401, 401]);

    const beforeDisable = (await createToken(here, ['streams:read'])).client;
    assert.equal((await admin.patch(`/api/v1/users/${user.id}`, { disabled: true })).status, 200);
    assert.equal((await admin.patch(`/api/v1/users/${user.id}`, { disabled: false })).status, 200);
    assert.equal(await me(beforeDisable), 401, 'enabling again brings no token back');
    const fresh = await login('changed by me 12');
    assert.equal(await me(fresh), 200);

    const key = (await fresh.post('/api/v1/stream-keys', { label: 'to be revoked' })).body;
    assert.equal((await admin.post(`/api/v1/stream-keys/${key.id}/revoke`)).status, 200);
    const regenerated = await fresh.post(`/api/v1/stream-keys/${key.id}/regenerate`);
    assert.equal(regenerated.status, 409, JSON.stringify(regenerated.body));
    assert.ok((await fresh.get(`/api/v1/stream-keys/${key.id}`)).body.revokedAt, 'still revoked');
  });
});
