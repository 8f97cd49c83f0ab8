import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@rapidrtmp/server-config';
import { ReadinessChecks } from '@rapidrtmp/server-health';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { ClusterMembership } from './cluster-membership.js';
import type { ClusterRepository } from './cluster.repository.js';

describe('ClusterMembership after a database outage', () => {
  it('does not sweep for lost nodes until its heartbeats have succeeded for one lease', async () => {
    const db = { up: true, sweeps: 0 };
    const whenUp = <T>(value: T) =>
      db.up ? Promise.resolve(value) : Promise.reject(new Error('Connection terminated unexpectedly'));
    const repository = {
      register: () => whenUp(undefined),
      heartbeat: () => whenUp({ registered: true, heldKeys: [] }),
      releaseLeasesOf: () => whenUp(undefined),
      claimLostNodes: () => {
        db.sweeps++;
        return whenUp([]);
      },
      nodes: () => whenUp([]),
    } as unknown as ClusterRepository;
    const membership = new ClusterMembership(
      loadConfig({ CLUSTER_LEASE_SECONDS: '3' }),
      repository,
      new ReadinessChecks(),
      createLogger('silent'),
      new MetricsRegistry(),
    );
    await membership.tick();
    assert.equal(db.sweeps, 1, 'a healthy node sweeps on every heartbeat');

    db.up = false;
    await membership.tick();
    db.up = true;
    const backAt = Date.now();
    await membership.tick();
    assert.equal(db.sweeps, 1, 'the first heartbeat back does not sweep');
    for (let i = 0; i < 100 && Date.now() - backAt < 3000; i++) {
      await membership.tick();
      if (Date.now() - backAt < 2900) assert.equal(db.sweeps, 1, 'no sweep within the lease after the outage');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await membership.tick();
    assert.equal(db.sweeps, 2, 'sweeps resume after one lease');
  });
});
