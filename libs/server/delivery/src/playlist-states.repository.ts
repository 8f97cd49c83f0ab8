import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { PlaylistContinuation } from '@rapidrtmp/hls';
import { DatabaseAvailability, DeferredWrites, queryRows } from '@rapidrtmp/server-persistence';
import { DataSource } from 'typeorm';
import { CoalescedWrites } from './coalesced-writes.js';

export type PlaylistState = 'live' | 'reconnecting' | 'ended';

/** A playlist another node may continue. */
export interface ContinuablePlaylist {
  instanceId: string;
  nodeId: string;
  continuation: PlaylistContinuation;
}

/** How often the progress of every live playlist of this node is written, in one statement. */
const PROGRESS_INTERVAL_MS = 1000;

interface Progress {
  instanceId: string;
  nodeId: string;
  continuation: PlaylistContinuation;
}

/**
 * The only code that touches playlist_states. Claims and state changes go through DeferredWrites: in order per
 * playback id, never waited on for longer than one attempt, and during a database outage collapsed to the
 * latest state, written when the database is back. A live playlist's progress (once per segment per stream)
 * is batched instead: the latest per playback id, all in one statement a second.
 */
@Injectable()
export class PlaylistStatesRepository implements OnModuleDestroy {
  private readonly progressWrites: CoalescedWrites<Progress>;

  constructor(
    private readonly db: DataSource,
    private readonly writes: DeferredWrites,
    private readonly database: DatabaseAvailability,
  ) {
    this.progressWrites = new CoalescedWrites((rows) => this.writeProgress(rows), {
      intervalMs: PROGRESS_INTERVAL_MS,
      paused: () => database.down,
    });
  }

  onModuleDestroy(): void {
    this.progressWrites.stop();
  }

  /** This node starts (or adopts) the playlist of a playback id: it writes it from now on. */
  async claim(
    playbackId: string,
    instanceId: string,
    nodeId: string,
    continuation: PlaylistContinuation,
  ): Promise<void> {
    const json = JSON.stringify(continuation);
    await this.writes.run(`playlist:${playbackId}`, 'playlist claim', async () => {
      await this.db.query(
        `INSERT INTO playlist_states (playback_id, instance_id, node_id, state, continuation, updated_at)
       VALUES ($1, $2, $3, 'live', $4::jsonb, now())
       ON CONFLICT (playback_id) DO UPDATE SET instance_id = excluded.instance_id, node_id = excluded.node_id,
         state = 'live', continuation = excluded.continuation, updated_at = now()`,
        [playbackId, instanceId, nodeId, json],
      );
    });
  }

  /**
   * A live playlist moved on (a segment more): written within a second, with every other playlist's. Only ever
   * forward: a row whose next msn is not past the stored one (written late, after a state change) changes nothing.
   */
  progress(playbackId: string, instanceId: string, nodeId: string, continuation: PlaylistContinuation): void {
    this.progressWrites.set(playbackId, { instanceId, nodeId, continuation });
  }

  private async writeProgress(rows: Array<[string, Progress]>): Promise<void> {
    try {
      await this.db.query(
        `UPDATE playlist_states AS p SET state = 'live', continuation = v.continuation, updated_at = now()
         FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::jsonb[])
           AS v(playback_id, instance_id, node_id, continuation)
         WHERE p.playback_id = v.playback_id AND p.instance_id = v.instance_id AND p.node_id = v.node_id
           AND (p.continuation->>'nextMsn')::bigint < (v.continuation->>'nextMsn')::bigint`,
        [
          rows.map(([playbackId]) => playbackId),
          rows.map(([, row]) => row.instanceId),
          rows.map(([, row]) => row.nodeId),
          rows.map(([, row]) => JSON.stringify(row.continuation)),
        ],
      );
    } catch (error) {
      this.database.report(error);
      throw error;
    }
  }

  /** A state change (reconnecting, ended) of a playlist this node writes; a node that was taken over no longer writes it. */
  async update(
    playbackId: string,
    instanceId: string,
    nodeId: string,
    state: PlaylistState,
    continuation: PlaylistContinuation,
  ): Promise<void> {
    // Carries the latest continuation: progress still waiting would only be older.
    this.progressWrites.delete(playbackId);
    const json = JSON.stringify(continuation);
    const write = () =>
      this.db.query(
        `UPDATE playlist_states SET state = $4, continuation = $5::jsonb, updated_at = now()
         WHERE playback_id = $1 AND instance_id = $2 AND node_id = $3`,
        [playbackId, instanceId, nodeId, state, json],
      );
    await this.writes.run(`playlist:${playbackId}`, `playlist ${instanceId}`, write, true);
  }

  /**
   * The playlist of a playback id another node wrote and did not end, if it moved within `withinSeconds`
   * (the republish grace, plus the lease when that node was lost).
   */
  async continuable(
    playbackId: string,
    nodeId: string,
    withinSeconds: number,
  ): Promise<ContinuablePlaylist | undefined> {
    // A publish during an outage starts a new playlist rather than wait for a connect timeout.
    if (this.database.down) return undefined;
    try {
      const [row] = await queryRows<ContinuablePlaylist>(
        this.db,
        `SELECT instance_id AS "instanceId", node_id AS "nodeId", continuation FROM playlist_states
         WHERE playback_id = $1 AND node_id <> $2 AND state <> 'ended'
           AND updated_at > now() - make_interval(secs => $3)`,
        [playbackId, nodeId, withinSeconds],
      );
      return row;
    } catch (error) {
      this.database.report(error);
      throw error;
    }
  }
}
