import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataSourceOptions } from '@rapidrtmp/server-persistence';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { DataSource } from 'typeorm';
import { ClusterRepository } from './cluster.repository.js';

/** The directory's rules, on a real PostgreSQL, with several "nodes" sharing one database. */
describe('cluster directory (PostgreSQL)', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let db: DataSource;
  let repository: ClusterRepository;
  const keys: string[] = [];

  before(async () => {
    database = await createTestDatabase('rr_cluster');
    db = await new DataSource(dataSourceOptions({ databaseUrl: database.url })).initialize();
    await db.runMigrations({ transaction: 'all' });
    const [{ id: owner }] = await db.query(
      `INSERT INTO users (email, password_hash, role) VALUES ('o@example.com', 'x', 'publisher') RETURNING id`,
    );
    for (let i = 0; i < 3; i++) {
      const [{ id }] = await db.query(
        `INSERT INTO stream_keys (owner_id, label, key_hash, key_prefix, playback_id)
         VALUES ($1, 'k', md5(random()::text) || md5(random()::text), 'p', 'pb' || $2) RETURNING id`,
        [owner, i],
      );
      keys.push(id);
    }
    repository = new ClusterRepository(db);
  });

  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('gives a key to one node at a time; the holder renews it, releases it by lease id, and another node takes it', async () => {
    const [key] = keys as [string];
    const a = await repository.acquireLease(
      { streamKeyId: key, playbackId: 'pb0', signedPlayback: false },
      'node-a',
      15,
    );
    assert.equal(a.acquired, true);
    assert.deepEqual(
      await repository.acquireLease({ streamKeyId: key, playbackId: 'pb0', signedPlayback: false }, 'node-b', 15),
      { acquired: false, heldBy: 'node-a' },
    );

    await repository.register('node-a', 'http://10.0.0.1:8080', 15);
    const beat = await repository.heartbeat('node-a', 15);
    assert.deepEqual(beat, { registered: true, heldKeys: [key] });
    assert.deepEqual(await repository.holderOfPlayback('pb0'), {
      nodeId: 'node-a',
      url: 'http://10.0.0.1:8080',
      signedPlayback: false,
    });

    // A second holding by node-a (a local takeover) must survive the late release of the first.
    const again = await repository.acquireLease(
      { streamKeyId: key, playbackId: 'pb0', signedPlayback: false },
      'node-a',
      15,
    );
    assert.ok(again.acquired && a.acquired && again.leaseId !== a.leaseId);
    await repository.releaseLease(key, a.leaseId);
    assert.deepEqual(
      await repository.acquireLease({ streamKeyId: key, playbackId: 'pb0', signedPlayback: false }, 'node-b', 15),
      { acquired: false, heldBy: 'node-a' },
    );
    await repository.releaseLease(key, again.leaseId);
    assert.equal(
      (await repository.acquireLease({ streamKeyId: key, playbackId: 'pb0', signedPlayback: false }, 'node-b', 15))
        .acquired,
      true,
    );
  });

  it('lets only one of many racing nodes take a free key', async () => {
    const key = keys[1]!;
    const outcomes = await Promise.all(
      ['n1', 'n2', 'n3', 'n4', 'n5'].map((node) =>
        repository.acquireLease({ streamKeyId: key, playbackId: 'pb1', signedPlayback: false }, node, 15),
      ),
    );
    assert.equal(outcomes.filter((o) => o.acquired).length, 1, JSON.stringify(outcomes));
  });

  it('takes an expired lease, and a stolen one (takeover) whoever holds it', async () => {
    const key = keys[2]!;
    assert.equal(
      (await repository.acquireLease({ streamKeyId: key, playbackId: 'pb2', signedPlayback: false }, 'node-x', 15))
        .acquired,
      true,
    );
    assert.equal(
      (
        await repository.acquireLease(
          { streamKeyId: key, playbackId: 'pb2', signedPlayback: false },
          'node-y',
          15,
          true,
        )
      ).acquired,
      true,
      'stolen',
    );
    await db.query(`UPDATE stream_leases SET expires_at = now() - interval '1 second' WHERE stream_key_id = $1`, [key]);
    assert.equal(await repository.holderOfPlayback('pb2'), undefined, 'an expired lease serves nobody');
    assert.equal(
      (await repository.acquireLease({ streamKeyId: key, playbackId: 'pb2', signedPlayback: false }, 'node-z', 15))
        .acquired,
      true,
      'expired',
    );
  });

  it('hands each lost node to exactly one of the nodes sweeping at the same time', async () => {
    await repository.register('node-lost', null, 15);
    await db.query(
      `UPDATE cluster_nodes SET lease_expires_at = now() - interval '1 second' WHERE node_id = 'node-lost'`,
    );
    const claims = await Promise.all([1, 2, 3, 4].map(() => repository.claimLostNodes()));
    assert.deepEqual(
      claims.flat().filter((n) => n === 'node-lost'),
      ['node-lost'],
    );
    assert.deepEqual(await repository.heartbeat('node-lost', 15), { registered: false, heldKeys: [] });
    assert.ok(!(await repository.nodes()).some((n) => n.nodeId === 'node-lost'));
  });
});
