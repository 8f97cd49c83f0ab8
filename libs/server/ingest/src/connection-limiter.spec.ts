import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Admission, type ConnectionSlot, ConnectionLimiter } from './connection-limiter.js';

function admitted(admission: Admission): { slot: ConnectionSlot; shed: string[] } {
  assert.ok('slot' in admission, `refused: ${'refused' in admission ? admission.refused : ''}`);
  return { slot: admission.slot, shed: admission.shed.map((s) => `${s.slot.address}:${s.limit}`) };
}

function fill(limiter: ConnectionLimiter, address: string, count: number): ConnectionSlot[] {
  return Array.from({ length: count }, () => admitted(limiter.admit(address)).slot);
}

describe('ConnectionLimiter', () => {
  it('admits under both caps without shedding', () => {
    const limiter = new ConnectionLimiter(10, 3);
    for (let i = 0; i < 3; i++) assert.deepEqual(admitted(limiter.admit('a')).shed, []);
    assert.equal(limiter.open, 3);
    assert.equal(limiter.pending, 3);
  });

  it('at the per-address cap, sheds that address’s oldest unauthorized connection, not another’s', () => {
    const limiter = new ConnectionLimiter(100, 3);
    const [a1, a2, a3] = fill(limiter, 'a', 3);
    const [b1] = fill(limiter, 'b', 1);
    const admission = limiter.admit('a');
    assert.ok('slot' in admission);
    assert.deepEqual(admission.shed, [{ slot: a1, limit: 'max_connections_per_ip' }]);
    assert.equal(a1!.released, true);
    assert.equal(a2!.released || a3!.released || b1!.released, false);
    assert.equal(limiter.open, 4);
    // The next one sheds the next oldest.
    const next = limiter.admit('a');
    assert.ok('slot' in next);
    assert.equal(next.shed[0]?.slot, a2);
  });

  it('never sheds an authorized publisher: the oldest unauthorized one behind it goes', () => {
    const limiter = new ConnectionLimiter(100, 3);
    const [publisher, pending1, pending2] = fill(limiter, 'a', 3);
    limiter.authorize(publisher!);
    const admission = limiter.admit('a');
    assert.ok('slot' in admission);
    assert.deepEqual(
      admission.shed.map((s) => s.slot),
      [pending1],
    );
    limiter.authorize(pending2!);
    limiter.authorize(admission.slot);
    assert.equal(limiter.pending, 0);
  });

  it('refuses the new connection when every slot of the address is an authorized publisher', () => {
    const limiter = new ConnectionLimiter(100, 2);
    for (const slot of fill(limiter, 'a', 2)) limiter.authorize(slot);
    assert.deepEqual(limiter.admit('a'), { refused: 'max_connections_per_ip' });
    assert.equal(limiter.open, 2);
    // Another address is not affected.
    assert.deepEqual(admitted(limiter.admit('b')).shed, []);
  });

  it('at the total cap, sheds the oldest unauthorized connection of any address', () => {
    const limiter = new ConnectionLimiter(4, 10);
    const [a1] = fill(limiter, 'a', 1);
    limiter.authorize(a1!);
    const [b1, b2] = fill(limiter, 'b', 2);
    fill(limiter, 'c', 1);
    const admission = admitted(limiter.admit('d'));
    assert.deepEqual(admission.shed, ['b:max_connections']);
    assert.equal(b1!.released, true);
    assert.equal(b2!.released, false);
    assert.equal(limiter.open, 4);
  });

  it('refuses at the total cap when every connection is authorized', () => {
    const limiter = new ConnectionLimiter(3, 10);
    for (const address of ['a', 'b', 'c']) limiter.authorize(admitted(limiter.admit(address)).slot);
    assert.deepEqual(limiter.admit('d'), { refused: 'max_connections' });
    assert.equal(limiter.open, 3);
  });

  it('sheds once when both caps are reached (the address’s own connection frees both)', () => {
    const limiter = new ConnectionLimiter(4, 2);
    fill(limiter, 'b', 2);
    const [a1] = fill(limiter, 'a', 2);
    const admission = admitted(limiter.admit('a'));
    assert.deepEqual(admission.shed, ['a:max_connections_per_ip']);
    assert.equal(a1!.released, true);
    assert.equal(limiter.open, 4);
  });

  it('releases a slot once: a shed connection closing later does not free a second slot', () => {
    const limiter = new ConnectionLimiter(10, 2);
    const [a1, a2] = fill(limiter, 'a', 2);
    const { slot: a3 } = admitted(limiter.admit('a')); // sheds a1
    limiter.release(a1!); // its socket closes afterwards
    limiter.release(a1!);
    assert.equal(limiter.open, 2);
    // Authorizing a released slot does nothing either.
    limiter.authorize(a1!);
    assert.equal(limiter.pending, 2);
    limiter.release(a2!);
    limiter.release(a3);
    assert.equal(limiter.open, 0);
    assert.equal(limiter.pending, 0);
    // The address starts from scratch: its full cap is available again.
    assert.deepEqual(admitted(limiter.admit('a')).shed, []);
    assert.deepEqual(admitted(limiter.admit('a')).shed, []);
  });

  it('500 half-open sockets from one address under a cap of 50: the newest 50 hold slots, a publisher still gets in', () => {
    const limiter = new ConnectionLimiter(1000, 50);
    const flood = fill(limiter, '127.0.0.1', 500);
    assert.equal(flood.filter((slot) => slot.released).length, 450);
    assert.ok(
      flood.slice(0, 450).every((slot) => slot.released),
      'the oldest were shed, in order',
    );
    assert.equal(limiter.open, 50);
    const publisher = admitted(limiter.admit('127.0.0.1'));
    assert.deepEqual(publisher.shed, ['127.0.0.1:max_connections_per_ip']);
    assert.equal(flood[450]!.released, true);
    limiter.authorize(publisher.slot);
    // More flood after it goes live sheds only flood sockets.
    fill(limiter, '127.0.0.1', 200);
    assert.equal(publisher.slot.released, false);
    assert.equal(limiter.open, 50);
    assert.equal(limiter.pending, 49);
  });
});
