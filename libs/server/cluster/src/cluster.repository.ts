import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { queryRows } from '@rapidrtmp/server-persistence';
import { DataSource } from 'typeorm';

/** A node of the cluster as the directory knows it. */
export interface ClusterNode {
  nodeId: string;
  url: string | null;
  startedAt: Date;
  heartbeatAt: Date;
  draining: boolean;
}

/** Who holds a stream key's lease (the node its publisher is connected to), and how to play it there. */
export interface LeaseHolder {
  nodeId: string;
  url: string | null;
  signedPlayback: boolean;
}

/** The stream a lease is for. */
export interface LeasedStream {
  streamKeyId: string;
  playbackId: string;
  signedPlayback: boolean;
}

export type LeaseOutcome = { acquired: true; leaseId: string } | { acquired: false; heldBy: string };

/**
 * The only code that touches cluster_nodes and stream_leases. Every expiry is computed from the database's
 * clock; each statement is atomic on its own, so concurrent nodes never need a transaction here.
 */
@Injectable()
export class ClusterRepository {
  constructor(private readonly db: DataSource) {}

  async register(nodeId: string, url: string | null, leaseSeconds: number): Promise<void> {
    await this.db.query(
      `INSERT INTO cluster_nodes (node_id, url, lease_expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       ON CONFLICT (node_id) DO UPDATE SET url = excluded.url, started_at = now(), heartbeat_at = now(),
         lease_expires_at = excluded.lease_expires_at, draining = false`,
      [nodeId, url, leaseSeconds],
    );
  }

  /**
   * Renews the node's lease and its stream leases. `registered` is false when the row is gone (another node
   * declared this one lost); `heldKeys` are the stream keys it still holds.
   */
  async heartbeat(nodeId: string, leaseSeconds: number): Promise<{ registered: boolean; heldKeys: string[] }> {
    const renewed = await queryRows(
      this.db,
      `UPDATE cluster_nodes SET heartbeat_at = now(), lease_expires_at = now() + make_interval(secs => $2)
       WHERE node_id = $1 RETURNING node_id`,
      [nodeId, leaseSeconds],
    );
    const held = await queryRows<{ streamKeyId: string }>(
      this.db,
      `UPDATE stream_leases SET expires_at = now() + make_interval(secs => $2)
       WHERE node_id = $1 RETURNING stream_key_id AS "streamKeyId"`,
      [nodeId, leaseSeconds],
    );
    return { registered: renewed.length > 0, heldKeys: held.map((row) => row.streamKeyId) };
  }

  async setDraining(nodeId: string): Promise<void> {
    await this.db.query(`UPDATE cluster_nodes SET draining = true WHERE node_id = $1`, [nodeId]);
  }

  /** A clean leave: the node's row goes, so nobody mistakes it for a lost node. */
  async leave(nodeId: string): Promise<void> {
    await this.db.query(`DELETE FROM cluster_nodes WHERE node_id = $1`, [nodeId]);
  }

  /**
   * Nodes whose lease ran out, each claimed by exactly one caller (the DELETE that returns it), so the
   * work of a node loss is done once however many nodes sweep.
   */
  async claimLostNodes(): Promise<string[]> {
    const rows = await queryRows<{ nodeId: string }>(
      this.db,
      `DELETE FROM cluster_nodes WHERE lease_expires_at < now() RETURNING node_id AS "nodeId"`,
    );
    return rows.map((row) => row.nodeId);
  }

  async releaseLeasesOf(nodeId: string): Promise<void> {
    await this.db.query(`DELETE FROM stream_leases WHERE node_id = $1`, [nodeId]);
  }

  /**
   * Takes the key's lease for `nodeId` if it is free, expired, already this node's, or `steal` is set;
   * otherwise says who holds it. One statement, so two nodes racing for a key cannot both win.
   */
  async acquireLease(
    stream: LeasedStream,
    nodeId: string,
    leaseSeconds: number,
    steal = false,
    attempts = 3,
  ): Promise<LeaseOutcome> {
    const { streamKeyId, playbackId, signedPlayback } = stream;
    const leaseId = randomUUID();
    const won = await queryRows<{ leaseId: string }>(
      this.db,
      `INSERT INTO stream_leases (stream_key_id, lease_id, playback_id, signed_playback, node_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
       ON CONFLICT (stream_key_id) DO UPDATE SET lease_id = excluded.lease_id, playback_id = excluded.playback_id,
         signed_playback = excluded.signed_playback, node_id = excluded.node_id, acquired_at = now(),
         expires_at = excluded.expires_at
       WHERE stream_leases.expires_at < now() OR stream_leases.node_id = excluded.node_id OR $7
       RETURNING lease_id AS "leaseId"`,
      [streamKeyId, leaseId, playbackId, signedPlayback, nodeId, leaseSeconds, steal],
    );
    if (won.length > 0) return { acquired: true, leaseId };
    const [holder] = await queryRows<{ nodeId: string }>(
      this.db,
      `SELECT node_id AS "nodeId" FROM stream_leases WHERE stream_key_id = $1`,
      [streamKeyId],
    );
    // Released between the two statements: try once more rather than refuse a free key.
    if (!holder && attempts > 1) return this.acquireLease(stream, nodeId, leaseSeconds, steal, attempts - 1);
    if (!holder) throw new Error(`the lease of stream key ${streamKeyId} keeps changing hands`);
    return { acquired: false, heldBy: holder.nodeId };
  }

  /** Releases one holding; a newer lease of the same key (another lease_id) is left alone. */
  async releaseLease(streamKeyId: string, leaseId: string): Promise<void> {
    await this.db.query(`DELETE FROM stream_leases WHERE stream_key_id = $1 AND lease_id = $2`, [streamKeyId, leaseId]);
  }

  /** The live holder of a playback id's stream, with how to reach it. */
  async holderOfPlayback(playbackId: string): Promise<LeaseHolder | undefined> {
    const [row] = await queryRows<LeaseHolder>(
      this.db,
      `SELECT l.node_id AS "nodeId", n.url, l.signed_playback AS "signedPlayback"
       FROM stream_leases l JOIN cluster_nodes n ON n.node_id = l.node_id
       WHERE l.playback_id = $1 AND l.expires_at > now()`,
      [playbackId],
    );
    return row;
  }

  async nodes(): Promise<ClusterNode[]> {
    return queryRows<ClusterNode>(
      this.db,
      `SELECT node_id AS "nodeId", url, started_at AS "startedAt", heartbeat_at AS "heartbeatAt", draining
       FROM cluster_nodes WHERE lease_expires_at > now() ORDER BY node_id`,
    );
  }
}
