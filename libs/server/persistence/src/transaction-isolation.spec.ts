import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { type EmbeddedTestDatabase, startEmbeddedTestDatabase } from './testing/embedded-test-database.js';

/**
 * The embedded default must isolate transactions the way a PostgreSQL server does: on a single shared
 * connection (PGlite) the outside query below sees the uncommitted row and the competing insert runs
 * inside the open transaction.
 */
describe('transactions on the embedded PostgreSQL', { timeout: 60_000 }, () => {
  let embedded: EmbeddedTestDatabase;
  let db: DataSource;

  before(async () => {
    embedded = await startEmbeddedTestDatabase();
    db = await new DataSource(dataSourceOptions(embedded.target)).initialize();
    await db.runMigrations({ transaction: 'all' });
  });

  after(async () => {
    await db?.destroy();
    await embedded?.drop();
  });

  it('are isolated: uncommitted rows are invisible elsewhere and a conflicting insert waits for the outcome', async () => {
    const insert = `INSERT INTO users (email, password_hash, role) VALUES ('race@example.com', 'x', 'publisher')`;
    const count = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM users WHERE email = 'race@example.com'`))[0].n as number;

    const open = db.createQueryRunner();
    await open.startTransaction();
    await open.query(insert);
    assert.equal(await count(), 0, 'an uncommitted row is not visible outside its transaction');

    let settled = false;
    const competing = db.query(insert).finally(() => (settled = true));
    competing.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(settled, false, 'the competing insert waits on the open transaction');

    await open.rollbackTransaction();
    await open.release();
    await competing;
    assert.equal(await count(), 1, 'after the rollback the competing insert went through');
  });
});
