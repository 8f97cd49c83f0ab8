import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trustedProxyMatcher } from './trust-proxy.js';

describe('trustedProxyMatcher', () => {
  it('trusts the listed proxies (addresses, ranges, IPv4-mapped peers) and nobody else', () => {
    const trusted = trustedProxyMatcher(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    for (const peer of ['10.1.2.3', '::ffff:10.9.9.9', '127.0.0.1', 'fd12::1']) assert.equal(trusted(peer), true, peer);
    for (const peer of ['11.0.0.1', '127.0.0.2', '::1', 'fe80::1', undefined, 'garbage'])
      assert.equal(trusted(peer), false, String(peer));
  });

  it('trusts any peer for a hop count, and none when off', () => {
    assert.equal(trustedProxyMatcher(1)('203.0.113.1'), true);
    assert.equal(trustedProxyMatcher(false)('127.0.0.1'), false);
  });
});
