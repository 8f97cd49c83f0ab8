import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { sendChunks } from './send-chunks.js';

const chunks = [Buffer.from('moof+mdat|'), Buffer.from('video|'), Buffer.from('audio')];

describe('sendChunks over a real socket', () => {
  let app: FastifyInstance;
  let base: string;
  const finished: number[] = [];

  before(async () => {
    app = Fastify();
    app.addHook('onResponse', (_req, reply, done) => {
      finished.push(reply.statusCode);
      done();
    });
    app.get('/many', (_req, reply) => sendChunks(reply.header('x-kind', 'part'), 200, chunks, 21));
    app.get('/one', (_req, reply) => sendChunks(reply, 206, [chunks[1]!], 6));
    app.get('/none', (_req, reply) => sendChunks(reply, 200, [], 0));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });

  after(() => app.close());

  it('writes several chunks in order with the reply headers, and the onResponse hooks still run', async () => {
    const response = await fetch(`${base}/many`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-kind'), 'part');
    assert.equal(response.headers.get('content-length'), '21');
    assert.equal(await response.text(), 'moof+mdat|video|audio');
    const head = await fetch(`${base}/many`, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), '21');
    assert.equal(await head.text(), '');
    // A keep-alive connection stays usable after a hijacked reply.
    assert.equal(await (await fetch(`${base}/many`)).text(), 'moof+mdat|video|audio');
    assert.deepEqual(finished.slice(-3), [200, 200, 200]);
  });

  it('sends one chunk, or none, through Fastify as usual', async () => {
    const one = await fetch(`${base}/one`);
    assert.equal(one.status, 206);
    assert.equal(await one.text(), 'video|');
    const none = await fetch(`${base}/none`);
    assert.equal(none.headers.get('content-length'), '0');
    assert.equal(await none.text(), '');
  });
});
