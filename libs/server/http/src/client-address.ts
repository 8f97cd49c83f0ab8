import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';
import type { LaneRequest } from './fast-lane.js';

/** TRUST_PROXY as parsed: off, a hop count, or the proxies' addresses / CIDR ranges. */
export type TrustProxySetting = false | number | string[];

/**
 * Fastify's `trustProxy` for the setting. A hop count trusts that many hops from the peer: Fastify's own
 * number form no longer believes any X-Forwarded-For, so it is given as a function.
 */
export function fastifyTrustProxy(
  setting: TrustProxySetting,
): false | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

/**
 * The client address of a raw request as Fastify's `request.ip` gives it under the same setting (the
 * same library, the same trust function): for code that answers before Fastify sees the request.
 */
export function clientAddressResolver(setting: TrustProxySetting): (request: LaneRequest) => string {
  const option = fastifyTrustProxy(setting);
  if (option === false) return (request) => request.socket.remoteAddress ?? '';
  const trust = typeof option === 'function' ? option : proxyAddr.compile(option);
  // proxy-addr reads only `headers['x-forwarded-for']` and `socket.remoteAddress`, which a LaneRequest has.
  return (request) => proxyAddr(request as IncomingMessage, trust);
}
