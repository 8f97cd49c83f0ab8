import { type AppConfig, trustedProxyMatcher } from '@rapidrtmp/server-config';
import {
  defaultSecurityHeaders,
  type FastLanes,
  installFastLanes,
  installSecurityHeaders,
  limitConnectionsPerAddress,
} from '@rapidrtmp/server-http';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';
import type { FastifyInstance } from 'fastify';
import type { ResponseCounter } from './http-metrics.js';

/**
 * What every HTTP connection and response goes through: the per-address connection cap (trusted proxies
 * exempt: they carry many clients, limit those in the proxy), the security headers (HSTS behind https) and
 * the response counts, for Fastify's routes and the fast lanes in front of them alike.
 */
export function guardHttpEdge(
  fastify: FastifyInstance,
  config: AppConfig,
  metrics: MetricsRegistry,
  lanes: { lanes: FastLanes; counted: ResponseCounter },
): void {
  const security = { hsts: config.publicUrl.startsWith('https://') };
  // Draining: Fastify answers 503 and closes keep-alive connections; lanes step aside for it.
  let closing = false;
  // First, while Node's HTTP server is the only one taking connections: the front stands in its place.
  installFastLanes(fastify.server, lanes.lanes, {
    headers: defaultSecurityHeaders(security),
    closing: () => closing,
    answered: lanes.counted,
  });
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const refused = metrics.counter({
    name: 'http_connections_refused_total',
    help: 'HTTP connections closed on accept for exceeding a limit',
    labelNames: ['limit'],
  });
  const perIp = refused.labels('per_ip');
  limitConnectionsPerAddress(fastify.server, {
    maxPerAddress: config.http.maxConnectionsPerIp,
    exempt: trustedProxyMatcher(config.http.trustProxy),
    onRefused: () => perIp.inc(),
  });
  installSecurityHeaders(fastify, security);
}
