import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createLogger, LoggingModule } from '@rapidrtmp/server-logging';
import type { FastifyInstance } from 'fastify';
import type { MetricsAccess } from './metrics-access.js';
import { MetricsModule } from './metrics.module.js';

const TOKEN = 'a metrics token of some length';

async function start(access?: MetricsAccess): Promise<{ app: INestApplication; fastify: FastifyInstance }> {
  @Module({
    imports: [LoggingModule.forRoot(createLogger('silent')), access ? MetricsModule.forRoot(access) : MetricsModule],
  })
  class TestModule {}
  const app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.ready();
  return { app, fastify };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('MetricsModule', () => {
  it('serves /metrics openly when imported bare', async () => {
    const { app, fastify } = await start();
    try {
      const response = await fastify.inject({ url: '/metrics' });
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /process_cpu_user_seconds_total/);
    } finally {
      await app.close();
    }
  });

  it('wants the Bearer token when METRICS_TOKEN is set', async () => {
    const { app, fastify } = await start({ token: TOKEN });
    try {
      const anonymous = await fastify.inject({ url: '/metrics' });
      assert.equal(anonymous.statusCode, 401);
      assert.doesNotMatch(anonymous.body, /process_cpu/);
      assert.equal(anonymous.headers['www-authenticate'], 'Bearer realm="metrics"');
      const wrong = await fastify.inject({ url: '/metrics', headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.statusCode, 401);
      const right = await fastify.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(right.statusCode, 200);
      assert.match(right.body, /process_cpu_user_seconds_total/);
    } finally {
      await app.close();
    }
  });

  it('moves /metrics to METRICS_PORT: 404 on the HTTP port, served (with the token) on its own', async () => {
    const port = await freePort();
    const { app, fastify } = await start({ token: TOKEN, port, host: '127.0.0.1' });
    try {
      assert.equal((await fastify.inject({ url: '/metrics' })).statusCode, 404);
      const url = `http://127.0.0.1:${port}/metrics`;
      assert.equal((await fetch(url)).status, 401);
      const scraped = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(scraped.status, 200);
      assert.match(await scraped.text(), /process_cpu_user_seconds_total/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/me`)).status, 404, 'nothing else there');
    } finally {
      await app.close();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/metrics`), 'the port closes with the app');
  });
});
