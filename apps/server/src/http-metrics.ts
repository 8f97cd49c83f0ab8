import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Counts every HTTP response by route pattern (bounded cardinality) and status class. */
export function instrumentHttp(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  // Every response passes here (HLS playlists and parts included): hot metrics add to plain numbers, and
  // the hook is synchronous, so it adds no label hashing and no promise per request.
  const requests = metrics.hotCounter({
    name: 'http_requests_total',
    help: 'HTTP responses by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
  });
  const duration = metrics.hotHistogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.labels(request.method, route, String(reply.statusCode)).inc();
    duration.labels(route).observe(reply.elapsedTime / 1000);
    done();
  });
}
