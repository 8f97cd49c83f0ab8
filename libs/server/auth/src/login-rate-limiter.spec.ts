import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginRateLimiter } from './login-rate-limiter.js';

function limiter() {
  let now = 1_000_000;
  return { limiter: new LoginRateLimiter(() => now), later: (ms: number) => (now += ms) };
}

describe('LoginRateLimiter', () => {
  it('locks an account (any case of its e-mail) for 15 minutes after five failures; other accounts go on', () => {
    const { limiter: l, later } = limiter();
    for (let i = 0; i < 5; i++) {
      assert.equal(l.check(`10.0.0.${i}`, 'Ada@Example.com'), 0);
      l.recordFailure('Ada@Example.com');
    }
    assert.equal(l.check('10.0.0.9', 'ada@example.com'), 900);
    assert.equal(l.check('10.0.0.9', 'grace@example.com'), 0);
    later(600_000);
    assert.equal(l.check('10.0.0.9', 'ada@example.com'), 300);
    later(300_000);
    assert.equal(l.check('10.0.0.9', 'ada@example.com'), 0);
  });

  it('counts every attempt per address: the 21st in five minutes waits for the window', () => {
    const { limiter: l, later } = limiter();
    for (let i = 0; i < 20; i++) assert.equal(l.check('10.0.0.1', `user${i}@example.com`), 0);
    assert.equal(l.check('10.0.0.1', 'another@example.com'), 300);
    assert.equal(l.check('10.0.0.2', 'another@example.com'), 0, 'other addresses go on');
    later(300_000);
    assert.equal(l.check('10.0.0.1', 'another@example.com'), 0);
  });

  it('forgets an account’s failures when it logs in', () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 4; i++) l.recordFailure('ada@example.com');
    l.recordSuccess('ADA@example.com');
    for (let i = 0; i < 4; i++) l.recordFailure('ada@example.com');
    assert.equal(l.check('10.0.0.1', 'ada@example.com'), 0);
  });
});
