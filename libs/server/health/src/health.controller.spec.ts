import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TerminusModule } from '@nestjs/terminus';
import { createLogger, LoggingModule } from '@rapidrtmp/server-logging';
import type { FastifyInstance } from 'fastify';
import { HealthController } from './health.controller.js';
import { ReadinessChecks } from './readiness-checks.js';
import { READINESS_CACHE_MS, ReadinessState } from './readiness-state.js';

const SECRET_DETAIL = 'password authentication failed for user "rapidrtmp" at 10.0.0.3:5432';

describe('/readyz', () => {
  let app: INestApplication;
  let fastify: FastifyInstance;
  let checks: ReadinessChecks;
  const log: string[] = [];
  const calls = { database: 0, storage: 0 };
  let databaseUp = true;
  let bucketUp = true;

  before(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        log.push(String(chunk));
        done();
      },
    });
    @Module({
      imports: [TerminusModule.forRoot({ logger: false }), LoggingModule.forRoot(createLogger('info', sink))],
      controllers: [HealthController],
      providers: [ReadinessChecks, ReadinessState],
    })
    class TestModule {}
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    });
    checks = app.get(ReadinessChecks);
    checks.register('database', async () => {
      calls.database++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (!databaseUp) throw new Error(SECRET_DETAIL);
    });
    checks.register(
      'storage',
      () => {
        calls.storage++;
        if (!bucketUp) throw new Error('bucket unreachable');
      },
      { critical: false },
    );
    await app.init();
    fastify = app.getHttpAdapter().getInstance();
    await fastify.ready();
  });
  after(() => app?.close());

  it('runs the checks once for many concurrent requests, and at most once per cache period', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => fastify.inject({ url: '/readyz' })));
    assert.deepEqual(new Set(answers.map((a) => a.statusCode)), new Set([200]));
    assert.deepEqual(answers[0]!.json(), {
      status: 'ok',
      info: { database: { status: 'up' }, storage: { status: 'up' } },
      error: {},
      details: { database: { status: 'up' }, storage: { status: 'up' } },
    });
    assert.deepEqual(calls, { database: 1, storage: 1 });
    await fastify.inject({ url: '/readyz' });
    assert.deepEqual(calls, { database: 1, storage: 1 }, 'served from the cache');
    await new Promise((resolve) => setTimeout(resolve, READINESS_CACHE_MS + 200));
    await fastify.inject({ url: '/readyz' });
    assert.deepEqual(calls, { database: 2, storage: 2 });
  });

  it('names a failing dependency without its error text, which goes to the log', async () => {
    databaseUp = false;
    await new Promise((resolve) => setTimeout(resolve, READINESS_CACHE_MS + 200));
    const response = await fastify.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), {
      status: 'error',
      info: { storage: { status: 'up' } },
      error: { database: { status: 'down' } },
      details: { storage: { status: 'up' }, database: { status: 'down' } },
    });
    assert.doesNotMatch(response.body, /password|10\.0\.0\.3|rapidrtmp/);
    assert.ok(log.some((line) => line.includes('password authentication failed') && /database down/.test(line)));
  });

  it('stays ready (200, degraded) naming a failing shared dependency, so a Service keeps every pod', async () => {
    databaseUp = true;
    bucketUp = false;
    await new Promise((resolve) => setTimeout(resolve, READINESS_CACHE_MS + 200));
    const response = await fastify.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      status: 'degraded',
      info: { database: { status: 'up' } },
      error: { storage: { status: 'down' } },
      details: { database: { status: 'up' }, storage: { status: 'down' } },
    });
    bucketUp = true;
  });

  it('turns 503 naming draining as soon as the node drains, cache or not', async () => {
    databaseUp = true;
    await new Promise((resolve) => setTimeout(resolve, READINESS_CACHE_MS + 200));
    assert.equal((await fastify.inject({ url: '/readyz' })).statusCode, 200);
    checks.drain();
    const response = await fastify.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json<{ error: unknown }>().error, { draining: { status: 'down' } });
  });
});
