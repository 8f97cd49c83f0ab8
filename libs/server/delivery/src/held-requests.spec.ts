import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HoldDecision, type HoldPermit, HeldRequests } from './held-requests.js';

function permitOf(decision: HoldDecision): HoldPermit {
  assert.ok('permit' in decision, `refused: ${'refused' in decision ? decision.refused : ''}`);
  return decision.permit;
}

describe('HeldRequests', () => {
  it('holds up to the per-address bound, then answers that address at once; others are unaffected', () => {
    const held = new HeldRequests(10_000, 64);
    const flood = Array.from({ length: 64 }, () => permitOf(held.tryHold('10.0.0.1')));
    for (let i = 0; i < 500; i++) assert.deepEqual(held.tryHold('10.0.0.1'), { refused: 'per_ip' });
    assert.equal(held.heldBy('10.0.0.1'), 64);
    permitOf(held.tryHold('10.0.0.2'));
    assert.equal(held.held, 65);
    // One answered: the address may hold one more.
    flood[0]!.release();
    permitOf(held.tryHold('10.0.0.1'));
    assert.deepEqual(held.tryHold('10.0.0.1'), { refused: 'per_ip' });
  });

  it('bounds the total across addresses', () => {
    const held = new HeldRequests(3, 2);
    permitOf(held.tryHold('a'));
    permitOf(held.tryHold('a'));
    const b = permitOf(held.tryHold('b'));
    assert.deepEqual(held.tryHold('c'), { refused: 'total' });
    // The per-address bound is reported first: that address is the one to slow down.
    assert.deepEqual(held.tryHold('a'), { refused: 'per_ip' });
    b.release();
    permitOf(held.tryHold('c'));
  });

  it('releases a permit once and forgets addresses that hold nothing', () => {
    const held = new HeldRequests(10, 2);
    const permit = permitOf(held.tryHold('a'));
    permit.release();
    permit.release();
    assert.equal(held.held, 0);
    assert.equal(held.heldBy('a'), 0);
    permitOf(held.tryHold('a'));
    permitOf(held.tryHold('a'));
    assert.equal(held.held, 2, 'a second release did not free a slot it did not hold');
  });
});
