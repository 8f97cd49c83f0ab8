import { Injectable } from '@nestjs/common';
import type { PlaylistContinuation } from '@rapidrtmp/hls';
import { DatabaseAvailability, DeferredWrites, queryRows } from '@rapidrtmp/server-persistence';
import { DataSource } from 'typeorm';

export type PlaylistState = 'live' | 'reconnecting' | 'ended';

/** A playlist another node may continue. */
export interface ContinuablePlaylist {
  instanceId: string;
  nodeId: string;
  continuation: PlaylistContinuation;
}

/**
 * The only code that touches playlist_states. Writes happen once per segment on the media path, so they
 * go through DeferredWrites: in order per playback id, never waited on for longer than one attempt, and
 * during a database outage collapsed to the latest state, written when the database is back.
 */
@Injectable()
export class PlaylistStatesRepository {
  constructor(
    private readonly db: DataSource,
    private readonly writes: DeferredWrites,
    private readonly database: DatabaseAvailability,
  ) {}

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

  /** Progress of a playlist this node writes; a node that was taken over no longer writes it. */
  async update(
    playbackId: string,
    instanceId: string,
    nodeId: string,
    state: PlaylistState,
    continuation: PlaylistContinuation,
  ): Promise<void> {
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
