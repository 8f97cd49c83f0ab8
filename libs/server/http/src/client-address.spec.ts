import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { clientAddressResolver, fastifyTrustProxy, type TrustProxySetting } from './index.js';

/** Fastify's request.ip and the resolver's answer for the same raw request, under one setting. */
async function both(setting: TrustProxySetting, remoteAddress: string, forwardedFor?: string) {
  const fastify = Fastify({ trustProxy: fastifyTrustProxy(setting) });
  const resolve = clientAddressResolver(setting);
  fastify.get('/', (req) => ({ fastify: req.ip, resolver: resolve(req.raw) }));
  try {
    const response = await fastify.inject({
      url: '/',
      remoteAddress,
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return response.json<{ fastify: string; resolver: string }>();
  } finally {
    await fastify.close();
  }
}

describe('clientAddressResolver', () => {
  const cases: Array<[string, TrustProxySetting, string, string | undefined, string]> = [
    ['no proxy trusted: the peer, whatever it forwards', false, '10.0.0.9', '1.2.3.4', '10.0.0.9'],
    ['one hop trusted: the forwarded client', 1, '10.0.0.9', '1.2.3.4', '1.2.3.4'],
    ['one hop trusted, a spoofed hop before it: the hop the proxy saw', 1, '10.0.0.9', '6.6.6.6, 1.2.3.4', '1.2.3.4'],
    ['a listed proxy: the forwarded client', ['10.0.0.0/8'], '10.0.0.9', '1.2.3.4', '1.2.3.4'],
    ['an unlisted peer: the peer', ['10.0.0.0/8'], '192.168.1.1', '1.2.3.4', '192.168.1.1'],
    ['a listed proxy forwarding nothing: the proxy', ['10.0.0.0/8'], '10.0.0.9', undefined, '10.0.0.9'],
  ];
  for (const [what, setting, peer, forwarded, expected] of cases) {
    it(`gives what Fastify's request.ip gives: ${what}`, async () => {
      const answer = await both(setting, peer, forwarded);
      assert.equal(answer.fastify, expected);
      assert.equal(answer.resolver, expected);
    });
  }
});
