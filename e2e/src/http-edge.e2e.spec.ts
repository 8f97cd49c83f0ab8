import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@rapidrtmp/test-support';
import { ADMIN, type AdminServer, startAdminServer } from './support/admin-server.js';

/** The reverse proxy in these tests: TRUST_PROXY names it, and it connects from this address. */
const PROXY = '127.0.0.2';
const METRICS_TOKEN = 'metrics token for the e2e test';
const MAX_CONNECTIONS_PER_IP = 8;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request to the server from `localAddress`, with optional headers and JSON body. */
function send(
  port: number,
  options: { method?: string; path: string; localAddress?: string; headers?: Record<string, string>; json?: unknown },
): Promise<Answer> {
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        localAddress: options.localAddress ?? '127.0.0.1',
        method: options.method ?? 'GET',
        path: options.path,
        agent: false,
        headers: { ...options.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        timeout: 20_000,
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A login through the proxy on behalf of `client`. */
const loginVia = (port: number, client: string, password: string) =>
  send(port, {
    method: 'POST',
    path: '/api/v1/auth/login',
    localAddress: PROXY,
    headers: { 'x-forwarded-for': client },
    json: { email: ADMIN.email, password },
  });

/** A socket that sent one request and got its answer (or was closed first). */
function openConnection(port: number): Promise<{ socket: Socket; answered: boolean }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: '127.0.0.1' });
    socket.on('error', () => undefined);
    socket.once('connect', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    socket.once('data', () => resolve({ socket, answered: true }));
    socket.once('close', () => resolve({ socket, answered: false }));
  });
}

describe(
  'HTTP edge: proxies, login limits, slow requests, connection caps, metrics, headers',
  { timeout: 180_000 },
  () => {
    let started: AdminServer | undefined;
    let port: number;

    before(async () => {
      started = await startAdminServer('rr_http_edge', {
        TRUST_PROXY: PROXY,
        HTTP_REQUEST_TIMEOUT_MS: '2000',
        HTTP_MAX_CONNECTIONS_PER_IP: String(MAX_CONNECTIONS_PER_IP),
        METRICS_TOKEN,
        PUBLIC_URL: 'https://stream.example.com',
      });
      port = started.server.httpPort;
    });
    after(async () => {
      await started?.stop();
    });

    it('behind the trusted proxy, an attacker hammering one account locks only himself out', async () => {
      const attacker = '203.0.113.66';
      for (let i = 0; i < 5; i++) assert.equal((await loginVia(port, attacker, `guess ${i}`)).status, 401);
      const limited = await loginVia(port, attacker, ADMIN.password);
      assert.equal(limited.status, 429, 'even the right password waits on the attacker’s address');
      const user = await loginVia(port, '198.51.100.7', ADMIN.password);
      assert.equal(user.status, 200, `the real user on another address signs in: ${user.body}`);
      // Not from the proxy: X-Forwarded-For is ignored, the peer (127.0.0.1) is the client.
      const direct = await send(port, {
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { 'x-forwarded-for': attacker },
        json: ADMIN,
      });
      assert.equal(direct.status, 200, 'a spoofed X-Forwarded-For from a non-proxy is not believed');
    });

    it('cuts off a slow-loris body with 408', async () => {
      const socket = connect({ port, host: '127.0.0.1' });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.write(
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{',
      );
      const trickle = setInterval(() => socket.writable && socket.write(' '), 500);
      try {
        await waitFor('the slow request to be cut off', async () => (socket.closed ? true : undefined), 30_000, 100);
        await closed;
        assert.match(received, /^HTTP\/1\.1 408/);
      } finally {
        clearInterval(trickle);
        socket.destroy();
      }
    });

    it('closes HTTP connections from one address past HTTP_MAX_CONNECTIONS_PER_IP, and counts them', async () => {
      const sockets: Socket[] = [];
      try {
        // Keep-alive sockets of earlier requests from 127.0.0.1 may still hold slots: open until one is refused.
        let answered = 0;
        let refusedOne = false;
        for (let i = 0; i <= MAX_CONNECTIONS_PER_IP && !refusedOne; i++) {
          const connection = await openConnection(port);
          sockets.push(connection.socket);
          if (connection.answered) answered++;
          else refusedOne = true;
        }
        assert.ok(refusedOne, `all of ${MAX_CONNECTIONS_PER_IP + 1} connections were served`);
        assert.ok(answered >= 1 && answered <= MAX_CONNECTIONS_PER_IP, `${answered} served before the refusal`);
        // The proxy (exempt) scrapes the metrics while 127.0.0.1 is at its cap.
        const metrics = await send(port, {
          path: '/metrics',
          localAddress: PROXY,
          headers: { authorization: `Bearer ${METRICS_TOKEN}` },
        });
        assert.equal(metrics.status, 200);
        const refused = /^rapidrtmp_http_connections_refused_total\{limit="per_ip"\} (\d+)$/m.exec(metrics.body)?.[1];
        assert.ok(Number(refused) >= 1, `refused connections counted: ${refused}`);
      } finally {
        for (const socket of sockets) socket.destroy();
      }
    });

    it('wants the metrics token', async () => {
      const anonymous = await send(port, { path: '/metrics', localAddress: PROXY });
      assert.equal(anonymous.status, 401);
      assert.doesNotMatch(anonymous.body, /process_cpu/);
    });

    it('answers API and Swagger with nosniff, no framing and HSTS; the dashboard with a CSP; the embed framable', async () => {
      for (const path of ['/api/v1/version', '/api/docs', '/api/v1/nothing', '/readyz']) {
        const answer = await send(port, { path, localAddress: PROXY });
        assert.equal(answer.headers['x-content-type-options'], 'nosniff', path);
        assert.equal(answer.headers['x-frame-options'], 'DENY', path);
        assert.match(String(answer.headers['content-security-policy']), /frame-ancestors 'none'/, path);
        assert.equal(answer.headers['strict-transport-security'], 'max-age=31536000', path);
      }
      const home = await send(port, { path: '/', localAddress: PROXY });
      if (home.status === 200) {
        const policy = String(home.headers['content-security-policy']);
        assert.match(policy, /script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
        assert.match(policy, /object-src 'none'/);
        assert.match(policy, /frame-ancestors 'none'/);
        assert.match(policy, /connect-src 'self' https:\/\/stream\.example\.com/);
        const embed = await send(port, { path: '/embed/abc123', localAddress: PROXY });
        assert.match(String(embed.headers['content-security-policy']), /frame-ancestors \*/);
        assert.equal(embed.headers['x-frame-options'], undefined);
      }
    });

    it('returns the session token in the login JSON only to clients that ask for it', async () => {
      const browser = await loginVia(port, '198.51.100.8', ADMIN.password);
      assert.equal(browser.status, 200);
      assert.equal((JSON.parse(browser.body) as { accessToken?: string }).accessToken, undefined);
      const script = await send(port, {
        method: 'POST',
        path: '/api/v1/auth/login',
        localAddress: PROXY,
        headers: { 'x-forwarded-for': '198.51.100.8' },
        json: { ...ADMIN, bearer: true },
      });
      assert.match((JSON.parse(script.body) as { accessToken: string }).accessToken, /^rrs_/);
    });
  },
);
