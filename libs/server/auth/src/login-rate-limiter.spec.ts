import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { dataSourceOptions } from '@rapidrtmp/server-persistence';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { DataSource } from 'typeorm';
import { PostgresLoginLimits } from './login-limit-store.js';
import { LoginRateLimiter, addressBucket } from './login-rate-limiter.js';

let database: TestDatabase;
let db: DataSource;

before(async () => {
  database = await createTestDatabase('rr_login_limits');
  db = await new DataSource(dataSourceOptions({ databaseUrl: database.url })).initialize();
  await db.runMigrations({ transaction: 'all' });
});

after(async () => {
  await db?.destroy();
  await database?.drop();
});

beforeEach(async () => {
  await db.query('DELETE FROM login_limits');
});

/** A limiter on the real store and a clock the test moves; `node()` is another node on the same database. */
function limiter() {
  let now = 1_000_000;
  const node = () => new LoginRateLimiter(new PostgresLoginLimits(db), () => now);
  return { limiter: node(), node, later: (ms: number) => (now += ms) };
}

/** One login attempt: the wait (429) if limited, else the outcome recorded as a real login would. */
async function attempt(
  l: LoginRateLimiter,
  ip: string,
  email: string,
  correct: boolean,
): Promise<number | 'ok' | 'wrong'> {
  const wait = await l.check(ip, email);
  if (wait > 0) return wait;
  if (correct) await l.recordSuccess(ip, email);
  else await l.recordFailure(ip, email);
  return correct ? 'ok' : 'wrong';
}

describe('LoginRateLimiter (PostgreSQL)', { timeout: 120_000 }, () => {
  it('locks one address out of an account (any case of its e-mail) for 15 minutes after five failures', async () => {
    const { limiter: l, later } = limiter();
    for (let i = 0; i < 5; i++) assert.equal(await attempt(l, '10.0.0.1', 'Ada@Example.com', false), 'wrong');
    assert.equal(await l.check('10.0.0.1', 'ada@example.com'), 900);
    assert.equal(await l.check('10.0.0.1', 'grace@example.com'), 0, 'other accounts go on');
    later(600_000);
    assert.equal(await l.check('10.0.0.1', 'ada@example.com'), 300);
    later(300_000);
    assert.equal(await l.check('10.0.0.1', 'ada@example.com'), 0);
  });

  it('an attacker hammering wrong passwords from X does not lock the real user on Y out', async () => {
    const { limiter: l, later } = limiter();
    // An hour of hammering, ten attempts a minute; the real user tries every minute too.
    let guesses = 0;
    for (let minute = 0; minute < 60; minute++) {
      for (let i = 0; i < 10; i++)
        if ((await attempt(l, '203.0.113.66', 'ada@example.com', false)) === 'wrong') guesses++;
      // Y never logged in before: the account is not locked for it.
      assert.equal(await attempt(l, '198.51.100.7', 'ada@example.com', true), 'ok', `minute ${minute}`);
      later(60_000);
    }
    assert.ok(guesses <= 5 * 4, `X guessed ${guesses} times in an hour`);
    assert.equal(await attempt(l, '2001:db8:1:2::7', 'ada@example.com', true), 'ok');
  });

  it('a guess spread over many addresses locks the account, except for addresses it recently logged in from', async () => {
    const { limiter: l, later } = limiter();
    assert.equal(await attempt(l, '198.51.100.7', 'ada@example.com', true), 'ok');
    later(24 * 3600_000);
    for (let i = 0; i < 50; i++) assert.equal(await attempt(l, `203.0.113.${i}`, 'ada@example.com', false), 'wrong');
    assert.ok((await l.check('203.0.113.200', 'ada@example.com')) > 0, 'a new address waits');
    assert.ok((await l.check('192.0.2.1', 'ada@example.com')) > 0, 'so does a new address of the real user');
    assert.equal(await attempt(l, '198.51.100.7', 'ada@example.com', true), 'ok', 'the known address gets in');
    later(15 * 60_000);
    assert.equal(await l.check('192.0.2.1', 'ada@example.com'), 0, 'the window passes');
  });

  it('counts every attempt per address: the 21st in five minutes waits for the window', async () => {
    const { limiter: l, later } = limiter();
    for (let i = 0; i < 20; i++) assert.equal(await l.check('10.0.0.1', `user${i}@example.com`), 0);
    assert.equal(await l.check('10.0.0.1', 'another@example.com'), 300);
    assert.equal(await l.check('10.0.0.2', 'another@example.com'), 0, 'other addresses go on');
    later(300_000);
    assert.equal(await l.check('10.0.0.1', 'another@example.com'), 0);
  });

  it('counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4', async () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 20; i++) assert.equal(await l.check(`2001:db8:0:1::${i.toString(16)}`, `u${i}@example.com`), 0);
    assert.ok((await l.check('2001:db8:0:1:ffff:1:2:3', 'x@example.com')) > 0, 'the same /64');
    assert.equal(await l.check('2001:db8:0:2::1', 'x@example.com'), 0, 'another /64');
    assert.equal(addressBucket('::ffff:10.1.2.3'), '10.1.2.3');
    assert.equal(addressBucket('2001:0db8:0000:0001:0:0:0:9'), '2001:db8:0:1::/64');
    assert.equal(addressBucket('2001:db8::9'), '2001:db8:0:0::/64');
    assert.equal(addressBucket('::1'), '0:0:0:0::/64');
  });

  it('a password check by a signed-in user spends no login attempt of the address, but its failures count', async () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 30; i++) assert.equal(await l.check('10.0.0.1', 'ada@example.com', { countAttempt: false }), 0);
    assert.equal(await l.check('10.0.0.1', 'grace@example.com'), 0, 'logins from the address go on');
    for (let i = 0; i < 5; i++) await l.recordFailure('10.0.0.1', 'ada@example.com');
    assert.equal(await l.check('10.0.0.1', 'ada@example.com', { countAttempt: false }), 900);
  });

  it('forgets an address’s failures for an account when it logs in', async () => {
    const { limiter: l } = limiter();
    for (let i = 0; i < 4; i++) await l.recordFailure('10.0.0.1', 'ada@example.com');
    await l.recordSuccess('10.0.0.1', 'ADA@example.com');
    for (let i = 0; i < 4; i++) await l.recordFailure('10.0.0.1', 'ada@example.com');
    assert.equal(await l.check('10.0.0.1', 'ada@example.com'), 0);
  });

  it('holds for the cluster: failures and attempts on one node count on every node', async () => {
    const { node } = limiter();
    const [a, b, c] = [node(), node(), node()];
    for (const [i, n] of [a, b, c, a, b].entries())
      assert.equal(await attempt(n, '10.0.0.1', 'ada@example.com', false), 'wrong', `failure ${i + 1}`);
    for (const n of [a, b, c]) assert.equal(await n.check('10.0.0.1', 'ada@example.com'), 900);
    // Twenty attempts from one address, spread over three nodes, then every node holds the 21st back.
    for (let i = 0; i < 20; i++) assert.equal(await [a, b, c][i % 3]!.check('10.0.0.2', `user${i}@example.com`), 0);
    for (const n of [a, b, c]) assert.equal(await n.check('10.0.0.2', 'another@example.com'), 300);
    // A login on one node clears the pair's failures and makes the address trusted on all of them.
    await b.recordSuccess('10.0.0.1', 'ada@example.com');
    assert.equal(await c.check('10.0.0.1', 'ada@example.com'), 0);
  });

  it('counts concurrent attempts exactly: 40 at once from one address let 20 through', async () => {
    const { node } = limiter();
    const nodes = [node(), node(), node(), node()];
    const waits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => nodes[i % nodes.length]!.check('10.0.0.3', `u${i}@example.com`)),
    );
    assert.equal(waits.filter((wait) => wait === 0).length, 20);
    assert.equal(waits.filter((wait) => wait === 300).length, 20);
  });

  it('keeps only live windows: a write that opens a window removes expired ones', async () => {
    const { limiter: l, later } = limiter();
    for (let i = 0; i < 30; i++) await l.recordFailure(`10.1.0.${i}`, `user${i}@example.com`);
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM login_limits'))[0].n), 60);
    later(15 * 60_000);
    await l.check('10.2.0.1', 'fresh@example.com');
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM login_limits'))[0].n), 11, '50 pruned, 1 new');
    await l.check('10.2.0.2', 'fresh@example.com');
    assert.equal(Number((await db.query('SELECT count(*) AS n FROM login_limits'))[0].n), 2);
  });
});
