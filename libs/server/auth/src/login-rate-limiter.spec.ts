import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginRateLimiter, addressBucket } from './login-rate-limiter.js';

function limiter() {
  let now = 1_000_000;
  return { limiter: new LoginRateLimiter(() => now), later: (ms: number) => (now += ms) };
}

/** One login attempt: the wait (429) if limited, else the outcome recorded as a real login would. */
function attempt(l: LoginRateLimiter, ip: string, email: string, correct: boolean): number | 'ok' | 'wrong' {
  const wait = l.check(ip, email);
  if (wait > 0) return wait;
  if (correct) l.recordSuccess(ip, email);
  else l.recordFailure(ip, email);
  return correct ? 'ok' : 'wrong';
}

describe('LoginRateLimiter', () => {
  it('locks one address out of an account (any case of its e-mail) for 15 minutes after five failures', () => {
    const { limiter: l, later } = limiter();
    for (let i = 0; i < 5; i++) assert.equal(attempt(l, '10.0.0.1', 'Ada@Example.com', false), 'wrong');
    assert.equal(l.check('10.0.0.1', 'ada@example.com'), 900);
    assert.equal(l.check('10.0.0.1', 'grace@example.com'), 0, 'other accounts go on');
    later(600_000);
    assert.equal(l.check('10.0.0.1', 'ada@example.com'), 300);
    later(300_000);
    assert.equal(l.check('10.0.0.1', 'ada@example.com'), 0);
  });

  it('an attacker hammering wrong passwords from X does not lock the real user on Y out', () => {
    const { limiter: l, later } = limiter();
    // An hour of hammering, ten attempts a minute; the real user tries every minute too.
    let guesses = 0;
    for (let minute = 0; minute < 60; minute++) {
      for (let i = 0; i < 10; i++) if (attempt(l, '203.0.113.66', 'ada@example.com', false) === 'wrong') guesses++;
      // Y never logged in before: the account is not locked for it.
      assert.equal(attempt(l, '198.51.100.7', 'ada@example.com', true), 'ok', `minute ${minute}`);
      later(60_000);
    }
    assert.ok(guesses <= 5 * 4, `X guessed ${guesses} times in an hour`);
    assert.equal(attempt(l, '2001:db8:1:2::7', 'ada@example.com', true), 'ok');
  });

  it('a guess spread over many addresses locks the account, except for addresses it recently logged in from', () => {
    const { limiter: l, later } = limiter();
    assert.equal(attempt(l, '198.51.100.7', 'ada@example.com', true), 'ok');
    later(24 * 3600_000);
    for (let i = 0; i < 50; i++) assert.equal(attempt(l, `203.0.113.${i}`, 'ada@example.com', false), 'wrong');
    assert.ok(l.check('203.0.113.200', 'ada@example.com') > 0, 'a new address waits');
    assert.ok(l.check('192.0.2.1', 'ada@example.com') > 0, 'so does a new address of the real user');
    assert.equal(attempt(l, '198.51.100.7', 'ada@example.com', true), 'ok', 'the known address gets in');
    later(15 * 60_000);
    assert.equal(l.check('192.0.2.1', 'ada@example.com'), 0, 'the window passes');
  });

  it('counts every attempt per address: the 21st in five minutes waits for the window', () => {
    const { limiter: l, later } = limiter();
    for (let i = 0; i < 20; i++) assert.equal(l.check('10.0.0.1', `user${i}@example.com`), 0);
    assert.equal(l.check('10.0.0.1', 'another@example.com'), 300);
    assert.equal(l.check('10.0.0.2', 'another@example.com'), 0, 'other addresses go on');
    later(300_000);
    assert.equal(l.check('10.0.0.1', 'another@example.com'), 0);
  });

  it('counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 20; i++) assert.equal(l.check(`2001:db8:0:1::${i.toString(16)}`, `u${i}@example.com`), 0);
    assert.ok(l.check('2001:db8:0:1:ffff:1:2:3', 'x@example.com') > 0, 'the same /64');
    assert.equal(l.check('2001:db8:0:2::1', 'x@example.com'), 0, 'another /64');
    assert.equal(addressBucket('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressBucket('2001:0db8:0000:0001:0:0:0:9'), '2001:db8:0:1::/64');
    assert.equal(addressBucket('2001:db8::9'), '2001:db8:0:0::/64');
    assert.equal(addressBucket('::1'), '0:0:0:0::/64');
  });

  it('a password check by a signed-in user spends no login attempt of the address, but its failures count', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 30; i++) assert.equal(l.check('10.0.0.1', 'ada@example.com', { countAttempt: false }), 0);
    assert.equal(l.check('10.0.0.1', 'grace@example.com'), 0, 'logins from the address go on');
    for (let i = 0; i < 5; i++) l.recordFailure('10.0.0.1', 'ada@example.com');
    assert.equal(l.check('10.0.0.1', 'ada@example.com', { countAttempt: false }), 900);
  });

  it('forgets an address’s failures for an account when it logs in', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 4; i++) l.recordFailure('10.0.0.1', 'ada@example.com');
    l.recordSuccess('10.0.0.1', 'ADA@example.com');
    for (let i = 0; i < 4; i++) l.recordFailure('10.0.0.1', 'ada@example.com');
    assert.equal(l.check('10.0.0.1', 'ada@example.com'), 0);
  });
});
