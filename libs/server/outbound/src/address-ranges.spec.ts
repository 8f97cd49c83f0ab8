import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AddressRule, classifyAddress } from './address-ranges.js';

/** [address, rule (null: public), the range that decided it]. */
const CASES: ReadonlyArray<readonly [string, AddressRule | null, string | null]> = [
  // IPv4
  ['0.0.0.0', 'unspecified', '0.0.0.0/8'],
  ['0.1.2.3', 'unspecified', '0.0.0.0/8'],
  ['10.0.0.1', 'private', '10.0.0.0/8'],
  ['10.255.255.255', 'private', '10.0.0.0/8'],
  ['100.64.0.1', 'cgnat', '100.64.0.0/10'],
  ['100.127.255.254', 'cgnat', '100.64.0.0/10'],
  ['127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['127.255.0.9', 'loopback', '127.0.0.0/8'],
  ['169.254.169.254', 'link-local', '169.254.0.0/16'],
  ['169.254.0.1', 'link-local', '169.254.0.0/16'],
  ['172.16.0.1', 'private', '172.16.0.0/12'],
  ['172.31.255.255', 'private', '172.16.0.0/12'],
  ['192.0.0.170', 'reserved', '192.0.0.0/24'],
  ['192.0.2.10', 'documentation', '192.0.2.0/24'],
  ['192.88.99.1', 'reserved', '192.88.99.0/24'],
  ['192.168.1.1', 'private', '192.168.0.0/16'],
  ['198.18.0.1', 'benchmarking', '198.18.0.0/15'],
  ['198.19.255.255', 'benchmarking', '198.18.0.0/15'],
  ['198.51.100.7', 'documentation', '198.51.100.0/24'],
  ['203.0.113.9', 'documentation', '203.0.113.0/24'],
  ['224.0.0.1', 'multicast', '224.0.0.0/4'],
  ['239.255.255.250', 'multicast', '224.0.0.0/4'],
  ['240.0.0.1', 'reserved', '240.0.0.0/4'],
  ['255.255.255.255', 'broadcast', '255.255.255.255/32'],
  // IPv4 neighbours of the ranges: public
  ['1.1.1.1', null, null],
  ['8.8.8.8', null, null],
  ['9.255.255.255', null, null],
  ['11.0.0.0', null, null],
  ['100.63.255.255', null, null],
  ['100.128.0.0', null, null],
  ['126.255.255.255', null, null],
  ['128.0.0.0', null, null],
  ['169.253.255.255', null, null],
  ['169.255.0.0', null, null],
  ['172.15.255.255', null, null],
  ['172.32.0.0', null, null],
  ['192.167.255.255', null, null],
  ['192.169.0.0', null, null],
  ['198.17.255.255', null, null],
  ['198.20.0.0', null, null],
  ['223.255.255.255', null, null],
  // IPv6
  ['::', 'unspecified', '::/128'],
  ['::1', 'loopback', '::1/128'],
  ['[::1]', 'loopback', '::1/128'],
  ['0:0:0:0:0:0:0:1', 'loopback', '::1/128'],
  ['::2', 'reserved', '::/96'],
  ['::127.0.0.1', 'reserved', '::/96'],
  ['fe80::1', 'link-local', 'fe80::/10'],
  ['fe80::1%eth0', 'link-local', 'fe80::/10'],
  ['febf:ffff::1', 'link-local', 'fe80::/10'],
  ['fec0::1', 'site-local', 'fec0::/10'],
  ['fc00::1', 'unique-local', 'fc00::/7'],
  ['fd12:3456:789a::1', 'unique-local', 'fc00::/7'],
  ['FD00::ABCD', 'unique-local', 'fc00::/7'],
  ['ff02::1', 'multicast', 'ff00::/8'],
  ['ff05::1:3', 'multicast', 'ff00::/8'],
  ['2001:db8::1', 'documentation', '2001:db8::/32'],
  ['3fff::1', 'documentation', '3fff::/20'],
  ['2001:2::1', 'benchmarking', '2001:2::/48'],
  ['2001::1', 'reserved', '2001::/23'], // Teredo
  ['2001:10::1', 'reserved', '2001::/23'], // ORCHID
  ['100::1', 'reserved', '100::/64'],
  ['64:ff9b:1::a00:1', 'reserved', '64:ff9b:1::/48'],
  ['1::1', 'reserved', null],
  ['4000::1', 'reserved', null],
  ['2606:4700:4700::1111', null, null],
  ['2a00:1450:4001:80b::200e', null, null],
  ['2001:4860:4860::8888', null, null],
  // IPv4 inside IPv6: the IPv4 address decides
  ['::ffff:10.0.0.1', 'private', '10.0.0.0/8'],
  ['::ffff:a00:1', 'private', '10.0.0.0/8'],
  ['::ffff:127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['::ffff:7f00:1', 'loopback', '127.0.0.0/8'],
  ['::FFFF:169.254.169.254', 'link-local', '169.254.0.0/16'],
  ['[::ffff:0.0.0.0]', 'unspecified', '0.0.0.0/8'],
  ['::ffff:8.8.8.8', null, null],
  ['64:ff9b::10.0.0.1', 'private', '10.0.0.0/8'], // NAT64 well-known prefix
  ['64:ff9b::a9fe:a9fe', 'link-local', '169.254.0.0/16'],
  ['64:ff9b::808:808', null, null],
  ['2002:7f00:1::', 'loopback', '127.0.0.0/8'], // 6to4
  ['2002:c0a8:101::1', 'private', '192.168.0.0/16'],
  ['2002:808:808::1', null, null],
];

describe('classifyAddress', () => {
  for (const [address, rule, range] of CASES) {
    it(`${address}: ${rule ?? 'public'}`, () => {
      const verdict = classifyAddress(address);
      assert.ok(verdict, `${address} parses`);
      assert.equal(verdict.rule, rule);
      assert.equal(verdict.range, range);
    });
  }

  it('names the IPv4 address an IPv6 address carries', () => {
    assert.equal(classifyAddress('::ffff:10.0.0.1')?.embeddedIPv4?.value, 0x0a000001n);
    assert.equal(classifyAddress('2002:c0a8:101::1')?.embeddedIPv4?.value, 0xc0a80101n);
    assert.equal(classifyAddress('2606:4700:4700::1111')?.embeddedIPv4, undefined);
  });

  it('prints the address canonically', () => {
    assert.equal(classifyAddress('0:0:0:0:0:ffff:a00:1')?.address, '::ffff:a00:1');
    assert.equal(classifyAddress('FE80:0:0:0:0:0:0:1%eth0')?.address, 'fe80::1');
    assert.equal(classifyAddress('2001:db8:0:0:1:0:0:1')?.address, '2001:db8::1:0:0:1');
    assert.equal(classifyAddress('127.000.000.001'), null, 'leading zeros are not an address (URL parsing normalizes)');
  });

  it('is null for names and malformed text', () => {
    for (const text of [
      'localhost',
      'example.com',
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '::ffff::1',
      '[::1',
      '0x7f.1',
    ]) {
      assert.equal(classifyAddress(text), null, text);
    }
  });
});
