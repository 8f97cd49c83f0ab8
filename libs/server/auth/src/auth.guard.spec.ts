import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Public } from '@rapidrtmp/server-access';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';

/** Routes that forgot their policy (no @Access), under /api and elsewhere, and a public one. */
@Controller()
class ForgetfulController {
  @Get('api/v1/forgotten')
  forgotten() {
    return { reached: true };
  }

  @Public()
  @Get('api/v1/open')
  open() {
    return { reached: true };
  }

  @Get('outside/api')
  outside() {
    return { reached: true };
  }
}

describe('AuthGuard on a real Fastify router', () => {
  let app: INestApplication;
  let baseUrl: string;

  before(async () => {
    @Module({
      controllers: [ForgetfulController],
      // No credential reaches the service on these routes: the guard decides from the route alone.
      providers: [
        { provide: AuthService, useValue: {} },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    })
    class TestModule {}
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
  });
  after(async () => {
    await app?.close();
  });

  const status = async (path: string) => (await fetch(`${baseUrl.replace('[::1]', '127.0.0.1')}${path}`)).status;

  it('refuses an /api route without a policy however its path is spelled (fail closed on the routed path)', async () => {
    assert.equal(await status('/api/v1/forgotten'), 403);
    // The router decodes percent-escapes before matching: these reach the same handler.
    assert.equal(await status('/%61pi/v1/forgotten'), 403);
    assert.equal(await status('/%61%70%69/v1/%66orgotten'), 403);
    assert.equal(await status('/api/v1/forgotten?x=/api/'), 403);
    assert.equal(await status('/api/v1/open'), 200, 'a public route stays open');
    assert.equal(await status('/outside/api'), 200, 'outside /api a route needs no policy');
  });
});
