import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { DatabaseAvailability } from './database-availability.js';
import { isDatabaseUnavailable } from './database-errors.js';
import { DEFERRED_WRITES_DEFAULTS, DeferredWrites, RetryLater } from './deferred-writes.js';

const log = createLogger('silent');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A database that can be switched off: statements fail as pg fails on a cut connection. */
function fakeDatabase() {
  const db = {
    up: true,
    rows: [] as string[],
    async write(row: string) {
      await sleep(1);
      if (!db.up) throw new Error('Connection terminated unexpectedly');
      db.rows.push(row);
    },
  };
  const availability = new DatabaseAvailability(
    () => db.write('probe').then(() => db.rows.pop()),
    log,
    new MetricsRegistry(),
  );
  return { db, availability };
}

describe('DeferredWrites', () => {
  it('writes each chain in order and, through an outage, queues and then writes everything in order', async () => {
    const { db, availability } = fakeDatabase();
    const writes = new DeferredWrites(availability, log, new MetricsRegistry());
    assert.equal(await writes.run('s1', 'open', () => db.write('s1 open')), 'written');
    db.up = false;
    assert.equal(await writes.run('s1', 'media', () => db.write('s1 media')), 'deferred');
    assert.equal(availability.down, true);
    // Known down: later writes return at once without touching the database.
    assert.equal(await writes.run('s2', 'open', () => db.write('s2 open')), 'deferred');
    assert.equal(await writes.run('s1', 'close', () => db.write('s1 close')), 'deferred');
    assert.equal(await writes.run('s2', 'close', () => db.write('s2 close')), 'deferred');
    assert.equal(writes.size, 4);
    await sleep(300);
    assert.deepEqual(db.rows, ['s1 open']);
    db.up = true;
    assert.equal(await writes.settled(5000), true);
    assert.equal(availability.down, false);
    assert.deepEqual(
      db.rows.filter((r) => r.startsWith('s1')),
      ['s1 open', 's1 media', 's1 close'],
    );
    assert.deepEqual(
      db.rows.filter((r) => r.startsWith('s2')),
      ['s2 open', 's2 close'],
    );
    availability.stop();
  });

  it('drops a write the database refuses and goes on with the chain', async () => {
    const { db, availability } = fakeDatabase();
    const writes = new DeferredWrites(availability, log, new MetricsRegistry());
    const refused = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    assert.equal(await writes.run('s1', 'bad', () => Promise.reject(refused)), 'failed');
    assert.equal(availability.down, false);
    assert.equal(await writes.run('s1', 'next', () => db.write('next')), 'written');
    assert.equal(writes.size, 0);
  });

  it('is bounded: past maxQueued a write is dropped, the rest still arrive', async () => {
    const { db, availability } = fakeDatabase();
    const writes = new DeferredWrites(availability, log, new MetricsRegistry(), {
      ...DEFERRED_WRITES_DEFAULTS,
      maxQueued: 3,
    });
    db.up = false;
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await writes.run(`s${i}`, 'open', () => db.write(`s${i}`)));
    assert.deepEqual(outcomes, ['deferred', 'deferred', 'deferred', 'failed']);
    db.up = true;
    assert.equal(await writes.settled(5000), true);
    assert.deepEqual(db.rows.sort(), ['s0', 's1', 's2']);
    availability.stop();
  });

  it('coalesces a queued write of the same label (only the latest state goes out)', async () => {
    const { db, availability } = fakeDatabase();
    const writes = new DeferredWrites(availability, log, new MetricsRegistry());
    db.up = false;
    await writes.run('p', 'state', () => db.write('live 1'), true);
    await writes.run('p', 'state', () => db.write('live 2'), true);
    await writes.run('p', 'state', () => db.write('live 3'), true);
    assert.equal(writes.size, 1, 'nothing is in flight during the outage: the three collapse into one');
    db.up = true;
    await writes.settled(5000);
    assert.deepEqual(db.rows, ['live 3']);
    availability.stop();
  });

  it('runs a write that said RetryLater again until it goes through, without declaring an outage', async () => {
    const { db, availability } = fakeDatabase();
    const writes = new DeferredWrites(availability, log, new MetricsRegistry(), {
      ...DEFERRED_WRITES_DEFAULTS,
      retryLaterMs: 20,
    });
    let ready = false;
    const outcome = await writes.run('r', 'finalize', async () => {
      if (!ready) throw new RetryLater('rows still queued');
      await db.write('finalized');
    });
    assert.equal(outcome, 'deferred');
    assert.equal(availability.down, false);
    assert.equal(await writes.run('other', 'open', () => db.write('other')), 'written');
    ready = true;
    await until('the retried write', () => db.rows.includes('finalized'));
    assert.equal(writes.size, 0);
  });
});

describe('isDatabaseUnavailable', () => {
  it('tells a lost database from a refused statement', () => {
    const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});
    assert.equal(isDatabaseUnavailable(pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')), true);
    assert.equal(isDatabaseUnavailable(pgError('Connection terminated unexpectedly')), true);
    assert.equal(isDatabaseUnavailable(pgError('timeout exceeded when trying to connect')), true);
    assert.equal(isDatabaseUnavailable(pgError('Query read timeout')), true);
    assert.equal(isDatabaseUnavailable(pgError('terminating connection due to administrator command', '57P01')), true);
    assert.equal(isDatabaseUnavailable(pgError('the database system is starting up', '57P03')), true);
    assert.equal(isDatabaseUnavailable(pgError('duplicate key', '23505')), false);
    assert.equal(isDatabaseUnavailable(pgError('syntax error', '42601')), false);
    assert.equal(isDatabaseUnavailable(new TypeError('x is undefined')), false);
  });
});
