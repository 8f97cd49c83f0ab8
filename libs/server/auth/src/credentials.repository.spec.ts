import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiTokenEntity, AuthSessionEntity, dataSourceOptions } from '@rapidrtmp/server-persistence';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { DataSource } from 'typeorm';
import { CredentialsRepository, type NewApiToken } from './credentials.repository.js';

/** Token revocation down the parent links, on a real PostgreSQL. */
describe('CredentialsRepository (PostgreSQL)', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let db: DataSource;
  let repository: CredentialsRepository;
  let admin: string;
  let publisher: string;
  let next = 0;

  before(async () => {
    database = await createTestDatabase('rr_credentials');
    db = await new DataSource(dataSourceOptions({ databaseUrl: database.url })).initialize();
    await db.runMigrations({ transaction: 'all' });
    const user = async (role: string) =>
      (
        await db.query(
          `INSERT INTO users (email, password_hash, role) VALUES ($1 || '@example.com', 'x', $1) RETURNING id`,
          [role],
        )
      )[0].id as string;
    admin = await user('admin');
    publisher = await user('publisher');
    repository = new CredentialsRepository(db.getRepository(AuthSessionEntity), db.getRepository(ApiTokenEntity));
  });

  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const values = (ownerId: string, parentId: string | null = null): NewApiToken => {
    const n = ++next;
    return {
      ownerId,
      parentId,
      label: `t${n}`,
      tokenHash: n.toString(16).padStart(64, '0'),
      tokenPrefix: `rrt_${n}`,
      scopes: ['tokens:write'],
      expiresAt: null,
    };
  };
  const mint = async (ownerId: string, parentId?: string) => {
    const token = await repository.insertToken(values(ownerId, parentId));
    assert.ok(token, 'stored');
    return token.id;
  };
  const revokedAt = async (id: string) => (await repository.findToken(id))?.revokedAt ?? null;

  it('revokes the tokens a token minted, and theirs, with it: A mints B, B mints C; revoking A revokes B and C', async () => {
    const a = await mint(admin);
    const b = await mint(admin, a);
    const c = await mint(publisher, b);
    const sibling = await mint(admin);
    assert.equal((await repository.findToken(c))?.parentId, b);

    const at = new Date('2030-01-01T00:00:00Z');
    await repository.revokeToken(a, at);
    assert.deepEqual(await Promise.all([a, b, c].map(revokedAt)), [at, at, at]);
    assert.equal(await revokedAt(sibling), null, 'a token A did not mint lives on');

    await repository.revokeToken(a, new Date('2031-01-01T00:00:00Z'));
    assert.deepEqual(await revokedAt(c), at, 'revoking twice keeps the first time');
  });

  it('revokes from the middle down only, and mints nothing under a revoked token', async () => {
    const a = await mint(admin);
    const b = await mint(admin, a);
    const c = await mint(admin, b);
    await repository.revokeToken(b, new Date());
    assert.equal(await revokedAt(a), null);
    assert.ok(await revokedAt(c));
    assert.equal(await repository.insertToken(values(admin, b)), null);
  });

  it('revokes, with a user’s tokens, the tokens they minted for others', async () => {
    const own = await mint(admin);
    const forPublisher = await mint(publisher, own);
    const publishersOwn = await mint(publisher);
    await repository.revokeUserTokens(admin);
    assert.ok(await revokedAt(own));
    assert.ok(await revokedAt(forPublisher));
    assert.equal(await revokedAt(publishersOwn), null);
  });

  it('catches a token inserted under the family while the revocation waited on its parent', async () => {
    const a = await mint(admin);
    const b = await mint(admin, a);
    // A mint in flight: it holds B (as insertToken does) and inserts C, not yet committed.
    const minting = db.createQueryRunner();
    await minting.connect();
    await minting.startTransaction();
    try {
      await minting.query(`SELECT 1 FROM api_tokens WHERE id = $1 AND revoked_at IS NULL FOR SHARE`, [b]);
      const c = values(admin, b);
      const [{ id: lateChild }] = await minting.query(
        `INSERT INTO api_tokens (owner_id, parent_token_id, label, token_hash, token_prefix, scopes)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [c.ownerId, c.parentId, c.label, c.tokenHash, c.tokenPrefix, c.scopes],
      );
      const revoking = repository.revokeToken(a, new Date());
      await waitForLockWait(db);
      await minting.commitTransaction();
      await revoking;
      assert.ok(await revokedAt(b));
      assert.ok(await revokedAt(lateChild), 'the child committed while the revocation waited is revoked too');
    } finally {
      if (minting.isTransactionActive) await minting.rollbackTransaction();
      await minting.release();
    }
  });
});

/** Until some session of this database waits on a row lock (bounded: 10 s). */
async function waitForLockWait(db: DataSource): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const waiting: unknown[] = await db.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (waiting.length) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the revocation never waited on the in-flight mint');
}
