import { type Cidr, cidrContains, formatCidr, parseCidr } from './cidr.js';
import { formatIpAddress, type IpAddress, parseIpAddress } from './ip-address.js';

/** Why an address is not a public destination. */
export type AddressRule =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'unique-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

/** How each rule reads in error messages. */
export const ADDRESS_RULE_LABELS: Readonly<Record<AddressRule, string>> = Object.freeze({
  unspecified: 'unspecified ("this host") address',
  loopback: 'loopback address',
  private: 'private-use address (RFC 1918)',
  'link-local': 'link-local address (where cloud metadata services live)',
  cgnat: 'carrier-grade NAT shared address (RFC 6598)',
  'unique-local': 'unique-local address (RFC 4193)',
  'site-local': 'site-local address (deprecated)',
  multicast: 'multicast address',
  broadcast: 'broadcast address',
  documentation: 'documentation address',
  benchmarking: 'benchmarking address (RFC 2544)',
  reserved: 'reserved, not globally routable address',
});

/** What an address is. */
export interface AddressClass {
  /** Canonical text of the address. */
  address: string;
  family: 4 | 6;
  /** Null: a globally routable unicast address. */
  rule: AddressRule | null;
  /** The special-purpose range that decided the rule (`10.0.0.0/8`), null for public addresses. */
  range: string | null;
  /** The IPv4 address an IPv6 one carries (IPv4-mapped, NAT64 or 6to4); the rule is that address's. */
  embeddedIPv4?: IpAddress;
}

interface SpecialRange {
  rule: AddressRule;
  range: Cidr;
}

function cidr(text: string): Cidr {
  const range = parseCidr(text);
  if (!range) throw new Error(`bad range in the address table: ${text}`);
  return range;
}

function table(entries: ReadonlyArray<readonly [string, AddressRule]>): SpecialRange[] {
  return entries.map(([text, rule]) => ({ rule, range: cidr(text) }));
}

// IANA IPv4 Special-Purpose Address Registry (RFC 6890 and successors). First match wins.
const IPV4_RANGES = table([
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

// IANA IPv6 Special-Purpose Address Registry. Checked after the IPv4-embedding prefixes below.
const IPV6_RANGES = table([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'reserved'], // IPv4-compatible (deprecated)
  ['64:ff9b:1::/48', 'reserved'], // local-use NAT64: translates to whatever the local network chose
  ['100::/64', 'reserved'], // discard-only
  ['2001:2::/48', 'benchmarking'],
  ['2001:db8::/32', 'documentation'],
  ['2001::/23', 'reserved'], // IETF protocol assignments: Teredo, ORCHID, AMT …
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique-local'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
]);

/** IPv6 prefixes that carry an IPv4 address; traffic to them reaches (or is translated to) that address. */
const IPV4_EMBEDDINGS: ReadonlyArray<{ range: Cidr; shift: bigint }> = [
  { range: cidr('::ffff:0:0/96'), shift: 0n }, // IPv4-mapped: the socket talks IPv4
  { range: cidr('64:ff9b::/96'), shift: 0n }, // NAT64 well-known prefix (RFC 6052)
  { range: cidr('2002::/16'), shift: 80n }, // 6to4 (RFC 3056): 2002:AABB:CCDD::/48
];

const GLOBAL_UNICAST_V6 = cidr('2000::/3');

/** Classifies an address against the special-purpose registries. */
export function classify(address: IpAddress): AddressClass {
  const text = formatIpAddress(address);
  if (address.family === 6) {
    for (const { range, shift } of IPV4_EMBEDDINGS) {
      if (!cidrContains(range, address)) continue;
      const embeddedIPv4: IpAddress = { family: 4, value: (address.value >> shift) & 0xffffffffn };
      const inner = classify(embeddedIPv4);
      return { address: text, family: 6, rule: inner.rule, range: inner.range, embeddedIPv4 };
    }
  }
  const ranges = address.family === 4 ? IPV4_RANGES : IPV6_RANGES;
  const special = ranges.find(({ range }) => cidrContains(range, address));
  if (special) return { address: text, family: address.family, rule: special.rule, range: formatCidr(special.range) };
  if (address.family === 6 && !cidrContains(GLOBAL_UNICAST_V6, address)) {
    return { address: text, family: 6, rule: 'reserved', range: null }; // outside 2000::/3, global unicast
  }
  return { address: text, family: address.family, rule: null, range: null };
}

/** `classify` for address text; null when the text is not an IP address. */
export function classifyAddress(text: string): AddressClass | null {
  const address = parseIpAddress(text);
  return address ? classify(address) : null;
}
