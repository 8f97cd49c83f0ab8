import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Fastify from 'fastify';
import { cors, routeCorsPreflight } from './index.js';

describe('cors', () => {
  const fastify = Fastify();
  fastify.get('/media/:name', (_req, reply) => cors(reply).send('x'));
  routeCorsPreflight(fastify, '/media/');
  after(() => fastify.close());

  it('lets any origin read media and the headers a player needs', async () => {
    const response = await fastify.inject({
      method: 'GET',
      url: '/media/a.m4s',
      headers: { origin: 'https://x.test' },
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.equal(response.headers['access-control-expose-headers'], 'Content-Length, Content-Range, ETag');
  });

  it('answers the preflight of a Range request under the prefix', async () => {
    const response = await fastify.inject({
      method: 'OPTIONS',
      url: '/media/a.m4s',
      headers: {
        origin: 'https://x.test',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'range',
      },
    });
    assert.equal(response.statusCode, 204);
    assert.equal(response.headers['access-control-allow-methods'], 'GET, HEAD, OPTIONS');
    assert.equal(response.headers['access-control-allow-headers'], 'Range, If-None-Match');
    assert.equal(response.headers['access-control-max-age'], '86400');
  });
});
