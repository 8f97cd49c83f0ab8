import { addressBits, formatIpAddress, type IpAddress, parseIpAddress } from './ip-address.js';

/** An address range: the network (host bits cleared) and the prefix length. */
export interface Cidr {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

function mask(family: 4 | 6, prefix: number): bigint {
  const bits = BigInt(addressBits(family));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
}

/**
 * `10.0.0.0/8`, `fd00::/8`; a bare address is a range of one (`/32`, `/128`). Host bits are cleared
 * (`10.1.2.3/8` is `10.0.0.0/8`). Null when the text is not a range.
 */
export function parseCidr(text: string): Cidr | null {
  const [addressText = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const address = parseIpAddress(addressText);
  if (!address) return null;
  const bits = addressBits(address.family);
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return null;
  return { family: address.family, network: address.value & mask(address.family, prefix), prefix };
}

/** A comma-separated list of ranges (blanks ignored), or the first entry that is not one. */
export function parseCidrList(text: string): { ranges: Cidr[] } | { invalid: string } {
  const ranges: Cidr[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const range = parseCidr(entry);
    if (!range) return { invalid: entry };
    ranges.push(range);
  }
  return { ranges };
}

export function cidrContains(range: Cidr, address: IpAddress): boolean {
  return range.family === address.family && (address.value & mask(range.family, range.prefix)) === range.network;
}

export function formatCidr(range: Cidr): string {
  return `${formatIpAddress({ family: range.family, value: range.network })}/${range.prefix}`;
}
