import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@rapidrtmp/server-config';
import Fastify, { type FastifyInstance } from 'fastify';
import { httpServerOptions } from './http-server-options.js';

async function serverWith(env: Record<string, string>): Promise<{ fastify: FastifyInstance; port: number }> {
  const fastify = Fastify(httpServerOptions(loadConfig(env).http));
  fastify.get('/ip', (request) => ({ ip: request.ip }));
  fastify.post('/echo', (request) => ({ received: String(request.body).length }));
  // Stands in for a held LL-HLS reload: the request is complete, the answer comes later.
  fastify.get('/held', async () => {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return { held: true };
  });
  fastify.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const address = fastify.server.address();
  assert.ok(address && typeof address === 'object');
  return { fastify, port: address.port };
}

/** Resolves with what the server sent once it closes the socket, or undefined if it stays open `limitMs`. */
function closedWithin(socket: Socket, limitMs: number): Promise<{ afterMs: number; received: string } | undefined> {
  const started = Date.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), limitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ afterMs: Date.now() - started, received });
    });
    socket.on('error', () => undefined);
  });
}

describe('HTTP server options', () => {
  describe('with TRUST_PROXY unset', () => {
    let fastify: FastifyInstance;
    before(async () => ({ fastify } = await serverWith({})));
    after(() => fastify.close());

    it('ignores X-Forwarded-For: the peer is the client', async () => {
      const response = await fastify.inject({
        url: '/ip',
        remoteAddress: '10.0.0.5',
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      assert.equal(response.json<{ ip: string }>().ip, '10.0.0.5');
    });
  });

  describe('with TRUST_PROXY', () => {
    it('believes X-Forwarded-For from the listed proxies only', async () => {
      const { fastify } = await serverWith({ TRUST_PROXY: '10.0.0.0/8' });
      try {
        const ip = async (remoteAddress: string, forwarded: string) =>
          (await fastify.inject({ url: '/ip', remoteAddress, headers: { 'x-forwarded-for': forwarded } })).json<{
            ip: string;
          }>().ip;
        assert.equal(await ip('10.0.0.5', '203.0.113.9'), '203.0.113.9');
        assert.equal(await ip('10.0.0.5', '198.51.100.1, 10.0.0.7'), '198.51.100.1', 'through two proxies');
        assert.equal(await ip('192.0.2.1', '203.0.113.9'), '192.0.2.1', 'not from a proxy: spoofed');
      } finally {
        await fastify.close();
      }
    });

    it('believes as many hops as TRUST_PROXY counts', async () => {
      const { fastify } = await serverWith({ TRUST_PROXY: '1' });
      try {
        const response = await fastify.inject({
          url: '/ip',
          remoteAddress: '10.0.0.5',
          headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' },
        });
        assert.equal(response.json<{ ip: string }>().ip, '203.0.113.9', 'the entry the one trusted hop added');
      } finally {
        await fastify.close();
      }
    });
  });

  describe('timeouts', () => {
    let fastify: FastifyInstance;
    let port: number;
    before(async () => ({ fastify, port } = await serverWith({ HTTP_REQUEST_TIMEOUT_MS: '1500' })));
    after(() => fastify.close());

    it('cuts off a slow-loris body (one byte a second) after the request timeout', async () => {
      const socket = connect(port, '127.0.0.1');
      socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n');
      const trickle = setInterval(() => socket.writable && socket.write('a'), 1000);
      try {
        const closed = await closedWithin(socket, 20_000);
        assert.ok(closed, 'the socket was still open after 20 s');
        assert.ok(closed.afterMs >= 1000, `closed after ${closed.afterMs} ms`);
        assert.match(closed.received, /^HTTP\/1\.1 408/);
      } finally {
        clearInterval(trickle);
        socket.destroy();
      }
    });

    it('cuts off headers that never end', async () => {
      const socket = connect(port, '127.0.0.1');
      socket.write('GET /ip HTTP/1.1\r\nHost: x\r\n');
      const trickle = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 500);
      try {
        assert.ok(await closedWithin(socket, 20_000), 'the socket was still open after 20 s');
      } finally {
        clearInterval(trickle);
        socket.destroy();
      }
    });

    it('does not cut a response that takes longer than the request timeout (held reloads, downloads)', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/held`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { held: true });
    });
  });
});
