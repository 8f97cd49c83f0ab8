import { type AppConfig, trustedProxyMatcher } from '@rapidrtmp/server-config';
import { installSecurityHeaders, limitConnectionsPerAddress } from '@rapidrtmp/server-http';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';
import type { FastifyInstance } from 'fastify';

/**
 * What every HTTP connection and response goes through: the per-address connection cap (trusted proxies
 * exempt: they carry many clients, limit those in the proxy) and the security headers (HSTS behind https).
 */
export function guardHttpEdge(fastify: FastifyInstance, config: AppConfig, metrics: MetricsRegistry): void {
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
  installSecurityHeaders(fastify, { hsts: config.publicUrl.startsWith('https://') });
}
