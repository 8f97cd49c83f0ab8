import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Counts every HTTP response by route pattern (bounded cardinality) and status class. */
export function instrumentHttp(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  const requests = metrics.counter({
    name: 'http_requests_total',
    help: 'HTTP responses by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
  });
  const duration = metrics.histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route pattern',
    labelNames: ['route'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ route }, reply.elapsedTime / 1000);
  });
}
