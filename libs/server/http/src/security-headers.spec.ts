import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { installSecurityHeaders } from './security-headers.js';

async function app(hsts: boolean) {
  const fastify = Fastify();
  installSecurityHeaders(fastify, { hsts });
  fastify.get('/api/v1/thing', () => ({ ok: true }));
  fastify.get('/api/docs', (_request, reply) => reply.type('text/html').send('<html>swagger</html>'));
  fastify.get('/embed/x', (_request, reply) =>
    reply.header('content-security-policy', "default-src 'self'; frame-ancestors *").type('text/html').send('<html>'),
  );
  await fastify.ready();
  return fastify;
}

describe('installSecurityHeaders', () => {
  it('adds nosniff and refuses framing on API and Swagger responses (and on 404s)', async () => {
    const fastify = await app(false);
    for (const url of ['/api/v1/thing', '/api/docs', '/api/v1/nothing']) {
      const response = await fastify.inject({ url });
      assert.equal(response.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(response.headers['x-frame-options'], 'DENY', url);
      assert.equal(response.headers['content-security-policy'], "frame-ancestors 'none'", url);
      assert.equal(response.headers['strict-transport-security'], undefined, 'no HSTS over http');
    }
  });

  it('keeps a policy the route set itself (the embed page may be framed)', async () => {
    const response = await (await app(false)).inject({ url: '/embed/x' });
    assert.equal(response.headers['content-security-policy'], "default-src 'self'; frame-ancestors *");
    assert.equal(response.headers['x-frame-options'], undefined);
  });

  it('sends HSTS when the public URL is https', async () => {
    const response = await (await app(true)).inject({ url: '/api/v1/thing' });
    assert.equal(response.headers['strict-transport-security'], 'max-age=31536000');
  });
});
