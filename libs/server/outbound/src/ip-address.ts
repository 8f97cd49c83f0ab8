import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as a number: 32 bits for IPv4, 128 for IPv6. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

export function addressBits(family: 4 | 6): number {
  return BITS[family];
}

/**
 * Parses a literal address as resolvers and the URL parser print it: dotted-quad IPv4, or IPv6 with
 * optional brackets, `::` and a dotted IPv4 tail; an IPv6 zone (`fe80::1%eth0`) is dropped (it picks an
 * interface, not an address). Null for anything else, host names included. Odd IPv4 spellings
 * (`0x7f.1`, `2130706433`) are not accepted here: `new URL()` rewrites them to dotted quads first.
 */
export function parseIpAddress(text: string): IpAddress | null {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(unbracketed)) return { family: 4, value: parseIPv4(unbracketed) };
  const withoutZone = unbracketed.replace(/%[^%]*$/, '');
  if (withoutZone !== '' && isIPv6(withoutZone)) return { family: 6, value: parseIPv6(withoutZone) };
  return null;
}

function parseIPv4(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

/** Expects a valid IPv6 text (checked by isIPv6). */
function parseIPv6(text: string): bigint {
  const groups = (part: string): bigint[] => {
    if (part === '') return [];
    return part.split(':').flatMap((group) => {
      if (!group.includes('.')) return [BigInt(`0x${group}`)];
      const v4 = parseIPv4(group);
      return [v4 >> 16n, v4 & 0xffffn];
    });
  };
  const [head = '', tail] = text.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<bigint>(8 - left.length - right.length).fill(0n), ...right];
  return all.reduce((value, group) => (value << 16n) | group, 0n);
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIpAddress(address: IpAddress): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) => Number((address.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
