import type { ResolvedAddress, Resolver } from '../outbound-guard.js';

/** A resolver over a fixed name table (test support), and how often each name was looked up. */
export interface TableResolver {
  resolver: Resolver;
  calls: Map<string, number>;
}

/**
 * Answers names from `table` instead of DNS; an entry may be a function, for answers that change between
 * lookups (DNS rebinding). Unknown names fail like getaddrinfo does (ENOTFOUND).
 */
export function tableResolver(table: Record<string, string[] | (() => string[])>): TableResolver {
  const calls = new Map<string, number>();
  const resolver: Resolver = (hostname) => {
    calls.set(hostname, (calls.get(hostname) ?? 0) + 1);
    const entry = table[hostname];
    if (!entry) {
      return Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
    }
    const addresses = typeof entry === 'function' ? entry() : entry;
    return Promise.resolve(
      addresses.map((address): ResolvedAddress => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
  return { resolver, calls };
}
