import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { dataSourceOptions, migrate } from '@rapidrtmp/server-persistence';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { DataSource } from 'typeorm';
import type { ClusterControl, ControlMessage } from './cluster-control.js';
import { ClusterRepository } from './cluster.repository.js';
import { StreamOwnership } from './stream-ownership.js';

/** Two nodes' ownership services on one real PostgreSQL; the control channel is a recorder. */
describe('one publisher per stream key across nodes', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let db: DataSource;
  let streamKeyId: string;

  const node = (nodeId: string) => {
    const sent: ControlMessage[] = [];
    const control = {
      publish: async (message: ControlMessage) => void sent.push(message),
    } as unknown as ClusterControl;
    const ownership = new StreamOwnership(
      loadConfig({ NODE_ID: nodeId, CLUSTER_LEASE_SECONDS: '15' }),
      new ClusterRepository(db),
      control,
      createLogger('silent'),
      new MetricsRegistry(),
    );
    return { ownership, sent };
  };

  before(async () => {
    database = await createTestDatabase('rr_ownership');
    db = await new DataSource(dataSourceOptions({ databaseUrl: database.url })).initialize();
    await migrate(db);
    const [{ id: owner }] = await db.query(
      `INSERT INTO users (email, password_hash, role) VALUES ('o@example.com', 'x', 'publisher') RETURNING id`,
    );
    [{ id: streamKeyId }] = await db.query(
      `INSERT INTO stream_keys (owner_id, label, key_hash, key_prefix, playback_id) VALUES ($1, 'k', repeat('c', 64), 'p', 'pbx') RETURNING id`,
      [owner],
    );
  });

  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const stream = () => ({ streamKeyId, playbackId: 'pbx', signedPlayback: false });

  it('refuses the key on a second node while the first holds it (reject)', async () => {
    const [a, b] = [node('node-a'), node('node-b')];
    const held = await a.ownership.acquire(stream(), 'reject');
    assert.ok('lease' in held);
    assert.deepEqual(await b.ownership.acquire(stream(), 'reject'), { heldBy: 'node-a' });
    assert.deepEqual(b.sent, [], 'reject asks nothing of the other node');
    await a.ownership.release(held.lease);
  });

  it('takes over: tells the holder to stop the stream, then takes the lease once it is released', async () => {
    const [a, b] = [node('node-a'), node('node-b')];
    const held = await a.ownership.acquire(stream(), 'reject');
    assert.ok('lease' in held);
    // node-a reacts to the stop message as StreamControl does: its publisher goes, the lease is released.
    setTimeout(() => void a.ownership.release(held.lease), 300);
    const started = Date.now();
    const taken = await b.ownership.acquire(stream(), 'takeover');
    assert.ok('lease' in taken);
    assert.ok(Date.now() - started < 2500, 'as soon as the holder let go');
    assert.deepEqual(b.sent, [{ type: 'stop-key', streamKeyId, reason: 'taken_over', stoppedBy: null }]);
    assert.deepEqual(await a.ownership.acquire(stream(), 'reject'), { heldBy: 'node-b' });
    await b.ownership.release(taken.lease);
  });

  it('takes over from a holder that does not answer, after a short wait', async () => {
    const [a, b] = [node('node-a'), node('node-b')];
    assert.ok('lease' in (await a.ownership.acquire(stream(), 'reject')));
    const taken = await b.ownership.acquire(stream(), 'takeover');
    assert.ok('lease' in taken, 'the lease is taken anyway');
    const [lease] = await db.query(`SELECT node_id FROM stream_leases WHERE stream_key_id = $1`, [streamKeyId]);
    assert.equal(lease.node_id, 'node-b');
  });
  it('gives the holder at once from its cache, and refreshes a stale answer behind it', async () => {
    await db.query(`DELETE FROM stream_leases WHERE stream_key_id = $1`, [streamKeyId]);
    const [a, b, edge] = [node('node-a'), node('node-b'), node('node-c')];
    const members = new ClusterRepository(db); // holders are nodes of the cluster, reachable at a URL
    await members.register('node-a', 'http://10.0.0.1:8080', 15);
    await members.register('node-b', 'http://10.0.0.2:8080', 15);
    const held = await a.ownership.acquire(stream(), 'reject');
    assert.ok('lease' in held);
    assert.equal(edge.ownership.holderNow('pbx'), undefined, 'nothing looked up yet');
    assert.equal((await edge.ownership.holderOf('pbx'))?.nodeId, 'node-a');
    assert.equal(edge.ownership.holderNow('pbx')?.holder?.nodeId, 'node-a');
    await a.ownership.release(held.lease);
    const moved = await b.ownership.acquire(stream(), 'reject');
    assert.ok('lease' in moved);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the cache's second
    assert.equal(edge.ownership.holderNow('pbx')?.holder?.nodeId, 'node-a', 'stale, while it is looked up again');
    const deadline = Date.now() + 5000;
    while (edge.ownership.holderNow('pbx')?.holder?.nodeId !== 'node-b' && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(edge.ownership.holderNow('pbx')?.holder?.nodeId, 'node-b', 'refreshed behind the stale answer');
    await b.ownership.release(moved.lease);
  });
});
