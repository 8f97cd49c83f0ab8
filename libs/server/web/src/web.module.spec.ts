import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, LoggingModule } from '@rapidrtmp/server-logging';
import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { WebModule } from './web.module.js';

@Controller()
class ProbeController {
  @Get('api/v1/ping')
  ping() {
    return { pong: true };
  }

  @Get('healthz')
  health() {
    return { status: 'ok' };
  }
}

/** A miniature static export, laid out the way `next build` with `trailingSlash: true` writes it. */
function fakeExport(): string {
  const root = mkdtempSync(join(tmpdir(), 'rr-web-'));
  const files: Record<string, string> = {
    'index.html': '<html>live streams<script>self.__next_f.push([1])</script></html>',
    'keys/index.html': '<html>keys</html>',
    'keys/index.txt': 'rsc payload',
    'embed/index.html': '<html>embed player</html>',
    '_next/static/chunks/app.js': 'console.log(1)',
    // Must never be served: the server owns these paths.
    'api/v1/secret.json': '{"leak":true}',
    healthz: 'static health',
  };
  for (const [path, body] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  return root;
}

async function start(
  dashboardDir: string,
): Promise<{ app: INestApplication; fastify: FastifyInstance; log: string[] }> {
  const log: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      log.push(String(chunk));
      done();
    },
  });
  @Module({
    imports: [LoggingModule.forRoot(createLogger('info', sink)), WebModule.forRoot({ dashboardDir })],
    controllers: [ProbeController],
  })
  class TestModule {}
  const app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  return { app, fastify, log };
}

describe('WebModule with a built dashboard', () => {
  let root: string;
  let app: INestApplication;
  let fastify: FastifyInstance;

  before(async () => {
    root = fakeExport();
    ({ app, fastify } = await start(root));
  });
  after(async () => {
    await app?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the pages with revalidation and refuses to be framed', async () => {
    const home = await fastify.inject({ url: '/' });
    assert.equal(home.statusCode, 200);
    assert.match(home.body, /^<html>live streams/);
    assert.match(String(home.headers['content-type']), /text\/html/);
    assert.equal(home.headers['cache-control'], 'no-cache');
    const policy = String(home.headers['content-security-policy']);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.match(policy, /object-src 'none'/);
    assert.match(policy, /base-uri 'none'/);
    assert.match(policy, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'(;|$)/, 'the inline script by its hash');
    assert.doesNotMatch(policy, /unsafe-inline[^;]*;[^;]*script|script-src[^;]*unsafe/);
    assert.equal(home.headers['x-frame-options'], 'DENY');
    assert.equal((await fastify.inject({ url: '/keys/' })).body, '<html>keys</html>');
    assert.equal((await fastify.inject({ url: '/keys/index.txt' })).body, 'rsc payload');
  });

  it('redirects a page without its trailing slash, keeping the query', async () => {
    const response = await fastify.inject({ url: '/keys?userId=1' });
    assert.equal(response.statusCode, 308);
    assert.equal(response.headers.location, '/keys/?userId=1');
  });

  it('caches hashed build assets for good', async () => {
    const response = await fastify.inject({ url: '/_next/static/chunks/app.js' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  it('answers /embed/<playbackId> with the embed page, which may be framed anywhere', async () => {
    const response = await fastify.inject({ url: '/embed/k7m2q9x4w8r3t6yz?token=abc' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.body, '<html>embed player</html>');
    assert.match(String(response.headers['content-security-policy']), /frame-ancestors \*(;|$)/);
    assert.match(String(response.headers['content-security-policy']), /object-src 'none'/);
    assert.equal(response.headers['x-frame-options'], undefined);
    assert.equal((await fastify.inject({ url: '/embed/NOT..valid' })).statusCode, 404);
  });

  it('never shadows the server: its routes answer, unknown paths under them stay 404, exported look-alikes are not served', async () => {
    assert.deepEqual((await fastify.inject({ url: '/api/v1/ping' })).json(), { pong: true });
    assert.deepEqual((await fastify.inject({ url: '/healthz' })).json(), { status: 'ok' });
    const unknown = await fastify.inject({ url: '/api/v1/nothing-here' });
    assert.equal(unknown.statusCode, 404);
    assert.doesNotMatch(unknown.body, /html/);
    const leaked = await fastify.inject({ url: '/api/v1/secret.json' });
    assert.equal(leaked.statusCode, 404);
    assert.doesNotMatch(leaked.body, /leak/);
    assert.equal((await fastify.inject({ url: '/live/abc/index.m3u8' })).statusCode, 404);
    assert.equal((await fastify.inject({ url: '/no-such-page/' })).statusCode, 404);
  });
});

describe('WebModule without a built dashboard', () => {
  it('starts anyway, logs a warning and explains how to build it', async () => {
    const missing = join(tmpdir(), `rr-web-missing-${process.pid}`);
    const { app, fastify, log } = await start(missing);
    try {
      const home = await fastify.inject({ url: '/' });
      assert.equal(home.statusCode, 503);
      assert.match(home.body, /npm run build -w @rapidrtmp\/dashboard/);
      assert.ok(home.body.includes(missing));
      assert.equal((await fastify.inject({ url: '/embed/abc' })).statusCode, 503);
      assert.deepEqual((await fastify.inject({ url: '/api/v1/ping' })).json(), { pong: true });
      const warning = log.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.level === 'warn');
      assert.ok(warning, log.join(''));
      assert.match(String(warning.msg), /dashboard not built/);
    } finally {
      await app.close();
    }
  });
});
