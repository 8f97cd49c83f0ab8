import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cidrContains, formatCidr, parseCidr, parseCidrList } from './cidr.js';
import { formatIpAddress, parseIpAddress } from './ip-address.js';

function ip(text: string) {
  const address = parseIpAddress(text);
  assert.ok(address, text);
  return address;
}

describe('IP addresses', () => {
  it('round-trip through their canonical text', () => {
    for (const [input, canonical] of [
      ['192.168.0.1', '192.168.0.1'],
      ['0.0.0.0', '0.0.0.0'],
      ['::', '::'],
      ['::1', '::1'],
      ['[2001:DB8::1]', '2001:db8::1'],
      ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
      ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
      ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
      ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ] as const) {
      assert.equal(formatIpAddress(ip(input)), canonical, input);
    }
  });
});

describe('CIDR ranges', () => {
  it('parse, clear host bits and accept bare addresses', () => {
    assert.equal(formatCidr(parseCidr('10.1.2.3/8')!), '10.0.0.0/8');
    assert.equal(formatCidr(parseCidr(' 127.0.0.1 ')!), '127.0.0.1/32');
    assert.equal(formatCidr(parseCidr('::1')!), '::1/128');
    assert.equal(formatCidr(parseCidr('fd00::1/8')!), 'fd00::/8');
    assert.equal(formatCidr(parseCidr('0.0.0.0/0')!), '0.0.0.0/0');
    assert.equal(formatCidr(parseCidr('::/0')!), '::/0');
  });

  it('refuse what is not a range', () => {
    for (const text of [
      '',
      '10.0.0.0/33',
      '::/129',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '10.0.0.0/-1',
      'example.com/8',
      '10/8',
      '10.0.0.0/8a',
    ]) {
      assert.equal(parseCidr(text), null, text);
    }
  });

  it('contain the addresses of their family in them', () => {
    const ten = parseCidr('10.0.0.0/8')!;
    assert.equal(cidrContains(ten, ip('10.200.0.1')), true);
    assert.equal(cidrContains(ten, ip('11.0.0.0')), false);
    assert.equal(cidrContains(ten, ip('::ffff:10.0.0.1')), false, 'families never mix');
    const ula = parseCidr('fc00::/7')!;
    assert.equal(cidrContains(ula, ip('fdff::1')), true);
    assert.equal(cidrContains(ula, ip('fe00::1')), false);
    assert.equal(cidrContains(parseCidr('::/0')!, ip('2001:db8::1')), true);
  });

  it('parse comma-separated lists and name the bad entry', () => {
    const parsed = parseCidrList('127.0.0.0/8, ::1/128,,10.0.0.0/8 ');
    assert.ok('ranges' in parsed);
    assert.deepEqual(parsed.ranges.map(formatCidr), ['127.0.0.0/8', '::1/128', '10.0.0.0/8']);
    assert.deepEqual(parseCidrList('127.0.0.0/8,localhost'), { invalid: 'localhost' });
    assert.deepEqual(parseCidrList(''), { ranges: [] });
  });
});
