import { BlockList, isIP } from 'node:net';

/** Hop counts beyond this are a typo, not a topology. */
const MAX_HOPS = 10;

/**
 * TRUST_PROXY as Fastify's `trustProxy` takes it: a hop count (`1`: the peer is one proxy, believe the
 * last X-Forwarded-For entry), or the proxies' addresses and CIDR ranges (`10.0.0.0/8, 127.0.0.1`).
 * Undefined when the text is neither.
 */
export function parseTrustProxy(text: string): number | string[] | undefined {
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops >= 1 && hops <= MAX_HOPS ? hops : undefined;
  }
  const ranges = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return ranges.length > 0 && ranges.every(isAddressOrRange) ? ranges : undefined;
}

function isAddressOrRange(text: string): boolean {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/** Tells whether a socket peer is one of the trusted proxies (for a hop count: any peer is). */
export function trustedProxyMatcher(trustProxy: false | number | string[]): (peer: string | undefined) => boolean {
  if (trustProxy === false) return () => false;
  if (typeof trustProxy === 'number') return (peer) => peer !== undefined;
  const list = new BlockList();
  for (const range of trustProxy) {
    const [address = '', prefix] = range.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (peer) => {
    if (peer === undefined) return false;
    const address = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(peer)?.[1] ?? peer;
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}
