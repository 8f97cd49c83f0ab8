import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import {
  defaultSecurityHeaders,
  type FastAnswer,
  FastLanes,
  installFastLanes,
  installSecurityHeaders,
} from './index.js';

describe('fast lanes in front of Fastify', () => {
  const fastify = Fastify();
  const lanes = new FastLanes();
  const counted: string[] = [];
  const released: string[] = [];
  let closing = false;
  let base = '';

  before(async () => {
    fastify.get('/lane/:name', (req) => `fastify ${(req.params as { name: string }).name}`);
    installSecurityHeaders(fastify, { hsts: false });
    installFastLanes(fastify.server, lanes, {
      headers: defaultSecurityHeaders({ hsts: false }),
      closing: () => closing,
      answered: (method, route, status) => counted.push(`${method} ${route} ${status}`),
    });
    // Added after installing, as modules do at init (the edge is installed before).
    lanes.add('/lane/', (request): FastAnswer | Promise<FastAnswer> | undefined => {
      const name = request.url?.slice('/lane/'.length);
      if (name === 'throws') throw new Error('lane bug');
      if (name === 'held')
        return new Promise<FastAnswer>((resolve) =>
          setTimeout(() => resolve({ route: '/lane/:name', status: 200, headers: [], body: 'later', length: 5 }), 50),
        );
      if (name === 'rejects') return Promise.reject(new Error('lane bug, later'));
      if (name === 'abandoned')
        return new Promise<FastAnswer>((resolve) =>
          setTimeout(
            () =>
              resolve({
                route: '/lane/:name',
                status: 200,
                headers: [],
                body: [Buffer.from('x')],
                length: 1,
                done: () => released.push('abandoned'),
              }),
            300,
          ),
        );
      if (name === 'text')
        return { route: '/lane/:name', status: 200, headers: ['x-lane', 'yes'], body: 'from the lane', length: 13 };
      if (name === 'chunks')
        return {
          route: '/lane/:name',
          status: 200,
          headers: ['content-type', 'video/iso.segment'],
          body: [Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')],
          length: 6,
          done: () => released.push('chunks'),
        };
      return undefined;
    });
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });
  after(() => fastify.close());

  it("writes a lane's answer with the edge's headers and counts it, without Fastify", async () => {
    const response = await fetch(`${base}/lane/text`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), 'from the lane');
    assert.equal(response.headers.get('x-lane'), 'yes');
    assert.equal(response.headers.get('content-length'), '13');
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(response.headers.get('x-frame-options'), 'DENY');
    assert.equal(response.headers.get('content-security-policy'), "frame-ancestors 'none'");
    assert.deepEqual(counted.splice(0), ['GET /lane/:name 200']);
    const fromFastify = await fetch(`${base}/lane/other`);
    for (const name of ['x-content-type-options', 'x-frame-options', 'content-security-policy'])
      assert.equal(response.headers.get(name), fromFastify.headers.get(name), `${name} as Fastify's hook sets it`);
  });

  it('writes buffers in order and lets go of them once the response is done', async () => {
    const response = await fetch(`${base}/lane/chunks`);
    assert.equal(await response.text(), 'abcdef');
    assert.equal(response.headers.get('content-length'), '6');
    for (let i = 0; i < 50 && released.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(released.splice(0), ['chunks']);
    counted.length = 0;
  });

  it('leaves to Fastify what a lane does not answer, what it throws on, other methods and other paths', async () => {
    assert.equal(await (await fetch(`${base}/lane/other`)).text(), 'fastify other');
    assert.equal(await (await fetch(`${base}/lane/throws`)).text(), 'fastify throws');
    const head = await fetch(`${base}/lane/text`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('x-lane'), null, 'HEAD went to Fastify');
    assert.equal((await fetch(`${base}/elsewhere`)).status, 404);
    assert.deepEqual(counted, []);
  });

  it('writes a held answer when it comes; leaves a rejected one to Fastify; frees one whose client left', async () => {
    assert.equal(await (await fetch(`${base}/lane/held`)).text(), 'later');
    assert.deepEqual(counted.splice(0), ['GET /lane/:name 200']);
    assert.equal(await (await fetch(`${base}/lane/rejects`)).text(), 'fastify rejects');
    await assert.rejects(fetch(`${base}/lane/abandoned`, { signal: AbortSignal.timeout(50) }));
    for (let i = 0; i < 100 && released.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(released.splice(0), ['abandoned'], 'its buffers are let go without a write');
    assert.deepEqual(counted, [], 'nothing was answered');
  });

  it('steps aside while the server drains', async () => {
    closing = true;
    try {
      assert.equal(await (await fetch(`${base}/lane/text`)).text(), 'fastify text');
    } finally {
      closing = false;
    }
  });
});

describe('defaultSecurityHeaders', () => {
  it('adds HSTS behind https', () => {
    const headers = defaultSecurityHeaders({ hsts: true });
    assert.equal(headers[headers.indexOf('strict-transport-security') + 1], 'max-age=31536000');
    assert.equal(defaultSecurityHeaders({ hsts: false }).includes('strict-transport-security'), false);
  });
});
