import { createServer, type Server } from 'node:http';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { register } from 'prom-client';
import { METRICS_ACCESS, metricsAuthorized, type MetricsAccess } from './metrics-access.js';

/**
 * `/metrics` on METRICS_PORT, a listener of its own that the public Ingress need not route to, so
 * Prometheus scrapes pods directly and viewers never see the metrics. Nothing else is served there.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(@Inject(METRICS_ACCESS) private readonly access: MetricsAccess) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port } = this.access;
    if (port === undefined) return;
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      } else if (!metricsAuthorized(this.access, request.headers.authorization)) {
        response.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"' }).end();
      } else {
        register.metrics().then(
          (text) => response.writeHead(200, { 'content-type': register.contentType }).end(text),
          () => response.writeHead(500).end(),
        );
      }
    });
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.access.host ?? '0.0.0.0', () => resolve());
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
