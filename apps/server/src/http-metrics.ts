import type { FastifyInstance } from 'fastify';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Counts one HTTP response: method, route pattern, status, seconds taken. */
export type ResponseCounter = (method: string, route: string, status: number, seconds: number) => void;

/**
 * Counts every HTTP response by route pattern (bounded cardinality) and status class: Fastify's through
 * an onResponse hook, fast lanes' through `fastLane` (which also counts them apart).
 */
export function instrumentHttp(fastify: FastifyInstance, metrics: MetricsRegistry): { fastLane: ResponseCounter } {
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
  const counted: ResponseCounter = (method, route, status, seconds) => {
    requests.labels(method, route, String(status)).inc();
    duration.labels(route).observe(seconds);
  };
  fastify.addHook('onResponse', (request, reply, done) => {
    counted(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  const fastLane = metrics.hotCounter({
    name: 'http_fast_lane_responses_total',
    help: 'HTTP responses answered from memory before Fastify (also in http_requests_total), by route pattern',
    labelNames: ['route'],
  });
  return {
    fastLane: (method, route, status, seconds) => {
      fastLane.labels(route).inc();
      counted(method, route, status, seconds);
    },
  };
}
