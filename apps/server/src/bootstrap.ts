import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@rapidrtmp/server-config';
import type { EmbeddedPostgres } from '@rapidrtmp/server-embedded-postgres';
import { lazyChildLoggerFactory, type Logger, PinoNestLogger } from '@rapidrtmp/server-logging';
import { FastLanes } from '@rapidrtmp/server-http';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { AppModule } from './app.module.js';
import { instrumentHttp } from './http-metrics.js';
import { guardHttpEdge } from './http-edge.js';
import { httpServerOptions } from './http-server-options.js';
import { mountOpenApi } from './openapi.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';
import { installShutdown } from './shutdown.js';

/** Builds the Nest application on Fastify and starts listening. */
export async function bootstrap(
  config: AppConfig,
  logger: Logger,
  embedded?: Promise<EmbeddedPostgres>,
): Promise<void> {
  const adapter = new FastifyAdapter({
    ...httpServerOptions(config.http),
    // Per-request lines would drown the log under HLS polling: requests are counted in /metrics instead.
    loggerInstance: logger.child({ module: 'http' }, { level: 'warn' }),
    // A request's child logger is made only when it writes a line (most never do).
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: 1024 * 1024,
    // On shutdown, idle keep-alive sockets close at once and new requests get 503 while draining.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger, { embedded }),
    adapter,
    {
      logger: new PinoNestLogger(logger.child({ module: 'nest' })),
      bufferLogs: true,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  const counted = instrumentHttp(fastify, app.get(MetricsRegistry));
  guardHttpEdge(fastify, config, app.get(MetricsRegistry), { lanes: app.get(FastLanes), counted: counted.fastLane });
  app.useGlobalFilters(new ProblemDetailsFilter(logger.child({ module: 'http' })));
  // Request bodies are validated against their DTOs; unknown fields are rejected, not ignored.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  mountOpenApi(app);
  installShutdown(app, logger, config.shutdownGraceMs);
  await app.listen({ port: config.httpPort, host: config.host });
  logger.info(
    {
      httpPort: config.httpPort,
      rtmpPort: config.rtmpPort,
      database: config.embeddedDatabase ? 'embedded' : 'postgres',
    },
    `RapidRTMP listening: HTTP ${config.publicUrl}`,
  );
}
