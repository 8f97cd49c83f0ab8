import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoalescedWrites } from './coalesced-writes.js';

/** A writer that records each write's rows, and fails while `failing`. */
function recorder() {
  const state = { writes: [] as Array<Array<[string, number]>>, failing: false };
  const write = async (rows: Array<[string, number]>) => {
    if (state.failing) throw new Error('database unreachable');
    state.writes.push(rows);
  };
  return { state, write };
}

describe('CoalescedWrites', () => {
  it('writes the latest row of every id in one write', async () => {
    const { state, write } = recorder();
    const writes = new CoalescedWrites(write, { intervalMs: 60_000 });
    writes.set('a', 1);
    writes.set('b', 1);
    writes.set('a', 2);
    writes.set('a', 3);
    await writes.flush();
    assert.deepEqual(state.writes, [
      [
        ['a', 3],
        ['b', 1],
      ],
    ]);
    await writes.flush();
    assert.equal(state.writes.length, 1, 'nothing new: no write');
    writes.stop();
  });

  it('puts failed rows back unless a newer one came meanwhile, and writes nothing while paused', async () => {
    const { state, write } = recorder();
    let down = false;
    const writes = new CoalescedWrites(write, { intervalMs: 60_000, paused: () => down });
    writes.set('a', 1);
    writes.set('b', 1);
    state.failing = true;
    const failed = writes.flush();
    writes.set('b', 2); // while the failing write runs
    await failed;
    assert.equal(writes.size, 2);
    down = true;
    writes.set('a', 5);
    await writes.flush();
    assert.equal(state.writes.length, 0, 'paused');
    down = false;
    state.failing = false;
    await writes.flush();
    assert.equal(state.writes.length, 1);
    assert.deepEqual(
      new Map(state.writes[0]),
      new Map([
        ['a', 5],
        ['b', 2],
      ]),
    );
    writes.stop();
  });

  it('forgets a deleted id, and writes on its own timer until stopped', async (t) => {
    const { state, write } = recorder();
    const writes = new CoalescedWrites(write, { intervalMs: 20 });
    // The timer is unref'd (it never holds a server open): hold the test open meanwhile.
    const hold = setInterval(() => undefined, 1000);
    t.after(() => clearInterval(hold));
    writes.set('a', 1);
    writes.set('b', 1);
    writes.delete('b');
    const deadline = Date.now() + 5000;
    while (state.writes.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(state.writes, [[['a', 1]]]);
    writes.stop();
    writes.set('c', 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(state.writes.length, 1, 'stopped: no timer writes');
  });
});
