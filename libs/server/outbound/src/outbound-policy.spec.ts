import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OutboundPolicy, OutboundPolicyError } from './outbound-policy.js';

function refusal(policy: OutboundPolicy, address: string, host?: string): OutboundPolicyError {
  const decision = policy.check(address, host);
  assert.equal(decision.allowed, false, `${address} is refused`);
  return decision.error;
}

describe('OutboundPolicy', () => {
  const strict = OutboundPolicy.strict();

  it('allows public addresses and refuses internal ones by default', () => {
    for (const address of ['8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808']) {
      assert.equal(strict.check(address).allowed, true, address);
    }
    for (const address of [
      '127.0.0.1',
      '::1',
      '169.254.169.254',
      'fd00:ec2::254',
      '10.0.0.1',
      '172.20.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '0.0.0.0',
      '::',
      '224.0.0.1',
      '255.255.255.255',
      '::ffff:127.0.0.1',
      '64:ff9b::10.0.0.1',
    ]) {
      assert.equal(strict.check(address).allowed, false, address);
    }
  });

  it('refuses with a typed error naming the address, the rule, the range and the setting', () => {
    const error = refusal(strict, '169.254.169.254');
    assert.ok(error instanceof OutboundPolicyError);
    assert.equal(error.code, 'ERR_OUTBOUND_POLICY');
    assert.equal(error.address, '169.254.169.254');
    assert.equal(error.rule, 'link-local');
    assert.equal(error.range, '169.254.0.0/16');
    assert.equal(error.host, undefined);
    assert.match(error.message, /^169\.254\.169\.254, a link-local address .* in 169\.254\.0\.0\/16: /);
    assert.match(error.message, /rule link-local/);
    assert.match(error.message, /OUTBOUND_ALLOW_CIDRS/);

    const named = refusal(strict, '10.0.0.1', 'hooks.example.com');
    assert.equal(named.host, 'hooks.example.com');
    assert.match(named.message, /^hooks\.example\.com resolves to 10\.0\.0\.1, a private-use address/);

    const mapped = refusal(strict, '::FFFF:7F00:1');
    assert.equal(mapped.address, '::ffff:7f00:1');
    assert.equal(mapped.rule, 'loopback');
    assert.equal(refusal(strict, 'not-an-ip').rule, 'not-an-address');
  });

  it('allows exactly the listed internal ranges', () => {
    const policy = OutboundPolicy.allowing(['127.0.0.0/8', '::1/128', '10.1.0.0/16']);
    assert.deepEqual(policy.allowedRanges, ['127.0.0.0/8', '::1/128', '10.1.0.0/16']);
    const allowed = policy.check('127.0.0.1');
    assert.ok(allowed.allowed);
    assert.equal(allowed.allowedBy, '127.0.0.0/8');
    assert.equal(allowed.class.rule, 'loopback');
    assert.equal(policy.check('::1').allowed, true);
    assert.equal(policy.check('[::1]').allowed, true);
    assert.equal(policy.check('::ffff:127.0.0.1').allowed, true, 'an IPv4-mapped address is its IPv4 address');
    assert.equal(policy.check('10.1.2.3').allowed, true);
    assert.equal(refusal(policy, '10.2.0.1').rule, 'private');
    assert.equal(refusal(policy, '169.254.169.254').rule, 'link-local');
    assert.equal(refusal(policy, '::2').rule, 'reserved');
    assert.equal(policy.check('1.1.1.1').allowed, true);
  });

  it('an allow-everything list turns the policy off', () => {
    const open = OutboundPolicy.allowing(['0.0.0.0/0', '::/0']);
    for (const address of ['127.0.0.1', '169.254.169.254', 'fe80::1', '::1'])
      assert.equal(open.check(address).allowed, true);
  });

  it('refuses a malformed allow list', () => {
    assert.throws(() => OutboundPolicy.allowing(['127.0.0.0/8', 'localhost']), /OUTBOUND_ALLOW_CIDRS.*localhost/);
  });
});
