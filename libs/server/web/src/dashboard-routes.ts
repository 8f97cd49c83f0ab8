import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { pagePolicy } from './dashboard-csp.js';
import {
  EMBED_PAGE,
  headersFor,
  htmlFiles,
  missingBuildPage,
  pageDirectories,
  reservedGlobs,
  toRelative,
} from './dashboard-files.js';
import { WEB_OPTIONS, type ResolvedWebOptions } from './web-options.js';

/** Same rule as HLS delivery: a playback id is short lowercase alphanumerics. */
const PLAYBACK_ID = /^[a-z0-9]{1,32}$/;

type EmbedRequest = { Params: { playbackId: string } };

/**
 * Serves the dashboard's static export on the server's own port. @fastify/static runs without a
 * wildcard: it registers one route per exported file at start-up, so every other URL (the API, HLS,
 * probes, metrics, and 404s under them) still reaches the route or not-found handler it reached
 * before. Added on top: `/embed/<playbackId>` answers with the embed page, and `/keys` redirects to
 * `/keys/`.
 */
@Injectable()
export class DashboardRoutes implements OnModuleInit {
  private readonly log: Logger;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(WEB_OPTIONS) private readonly options: ResolvedWebOptions,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'web' });
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const root = this.options.dashboardDir;
    if (!existsSync(join(root, 'index.html'))) {
      this.log.warn(
        { dashboardDir: root },
        'dashboard not built: / shows how to build it (npm run build -w @rapidrtmp/dashboard); API and HLS are unaffected',
      );
      this.serveMissingBuildPage(fastify, root);
      return;
    }
    const embedPage = existsSync(join(root, EMBED_PAGE)) ? readFileSync(join(root, EMBED_PAGE)) : undefined;
    const pages = pageDirectories(root);
    const policies = this.policies(root);
    const headers = (relativePath: string) => headersFor(relativePath, policies.get(relativePath));
    // Encapsulated: the static plugin's decorators and hooks stay inside this scope.
    void fastify.register(async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        wildcard: false,
        index: ['index.html'],
        globIgnore: reservedGlobs(),
        decorateReply: false,
        cacheControl: false,
        setHeaders: (reply, path) => {
          for (const [name, value] of Object.entries(headers(toRelative(root, path)))) reply.header(name, value);
        },
      });
      for (const page of pages) {
        if (page === '') continue;
        scope.get(`/${page}`, (request, reply) => redirectToSlash(reply, `/${page}/`, request.url));
      }
      if (embedPage) {
        scope.get<EmbedRequest>('/embed/:playbackId', (request, reply) => {
          if (!PLAYBACK_ID.test(request.params.playbackId)) return reply.callNotFound();
          return reply.headers(headers(EMBED_PAGE)).type('text/html; charset=utf-8').send(embedPage);
        });
      }
    });
    this.log.info({ dashboardDir: root, pages: pages.length }, 'serving the dashboard at /');
  }

  /** Each exported page's CSP, computed once from the page (its inline scripts' hashes). */
  private policies(root: string): Map<string, string> {
    const otherOrigins = this.options.otherOrigins;
    return new Map(
      htmlFiles(root).map((file) => [
        file,
        pagePolicy(readFileSync(join(root, file), 'utf8'), { framable: file === EMBED_PAGE, otherOrigins }),
      ]),
    );
  }

  private serveMissingBuildPage(fastify: FastifyInstance, root: string): void {
    const page = missingBuildPage(root);
    const send = (reply: FastifyReply) =>
      reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
    fastify.get('/', (_request, reply) => send(reply));
    fastify.get('/embed/:playbackId', (_request, reply) => send(reply));
  }
}

function redirectToSlash(reply: FastifyReply, target: string, url: string): FastifyReply {
  const query = url.indexOf('?');
  return reply.redirect(query === -1 ? target : target + url.slice(query), 308);
}
