import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cluster membership and stream ownership. Every time is the database's `now()`, never a node's clock, so
 * nodes with skewed clocks agree on who holds a lease.
 */
export class Cluster1764000004000 implements MigrationInterface {
  name = 'Cluster1764000004000';

  async up(db: QueryRunner): Promise<void> {
    // One row per running node, renewed by its heartbeat; a row past its lease is a lost node.
    await db.query(`
      CREATE TABLE cluster_nodes (
        node_id varchar(128) PRIMARY KEY,
        url varchar(2048),
        started_at timestamptz NOT NULL DEFAULT now(),
        heartbeat_at timestamptz NOT NULL DEFAULT now(),
        lease_expires_at timestamptz NOT NULL,
        draining boolean NOT NULL DEFAULT false
      )`);
    // The node a live stream key is published on: taken atomically at publish, renewed while live. lease_id
    // tells one holding from the next, so a late release never drops a newer lease of the same key.
    await db.query(`
      CREATE TABLE stream_leases (
        stream_key_id uuid PRIMARY KEY REFERENCES stream_keys (id) ON DELETE CASCADE,
        lease_id uuid NOT NULL,
        playback_id varchar(32) NOT NULL,
        signed_playback boolean NOT NULL DEFAULT false,
        node_id varchar(128) NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE UNIQUE INDEX stream_leases_playback_id_key ON stream_leases (playback_id)`);
    await db.query(`CREATE INDEX stream_leases_node_id_idx ON stream_leases (node_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE stream_leases`);
    await db.query(`DROP TABLE cluster_nodes`);
  }
}
