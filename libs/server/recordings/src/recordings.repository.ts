import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  type KeysetWindow,
  queryRows,
  RecordingEntity,
  RecordingSegmentEntity,
  type RecordingStatus,
} from '@rapidrtmp/server-persistence';
import type { Repository } from 'typeorm';

/** Rows per upsert statement (9 parameters each; PostgreSQL allows 65,535). */
const UPSERT_ROWS = 1000;

/** What VOD playback needs of a recording: whether its key wants signed playback now, not when it was recorded. */
export interface PlayableRecording {
  id: string;
  playbackId: string;
  status: RecordingStatus;
  signedPlayback: boolean;
}

/** Which recordings, newest first (deleted ones never): every field narrows. */
export interface RecordingQuery extends KeysetWindow {
  ownerId?: string;
  streamKeyId?: string;
}

/**
 * The only code that touches recordings and recording_segments, but for the retention sweeper's selection
 * of expired recordings (it runs under an advisory lock on its own connection). It reads one column of
 * stream_keys: the signed-playback rule VOD follows.
 */
@Injectable()
export class RecordingsRepository {
  constructor(
    @InjectRepository(RecordingEntity) private readonly recordings: Repository<RecordingEntity>,
    @InjectRepository(RecordingSegmentEntity) private readonly segments: Repository<RecordingSegmentEntity>,
  ) {}

  async create(
    values: Omit<RecordingEntity, 'endedAt' | 'durationSeconds' | 'bytes' | 'segmentCount' | 'gaps' | 'status'>,
  ): Promise<void> {
    await this.recordings.insert({ ...values, status: 'recording' });
  }

  /** Inserts segment rows or moves them to a new state, in one statement per 1,000 rows. */
  async upsertSegments(rows: RecordingSegmentEntity[]): Promise<void> {
    for (let start = 0; start < rows.length; start += UPSERT_ROWS) {
      const values: unknown[] = [];
      const tuples = rows.slice(start, start + UPSERT_ROWS).map((row) => {
        const at = values.length;
        values.push(
          row.recordingId,
          row.msn,
          row.name,
          row.initName,
          row.duration,
          row.discontinuity,
          row.bytes,
          row.programDateTime,
          row.state,
        );
        return `(${Array.from({ length: 9 }, (_, i) => `$${at + i + 1}`).join(', ')})`;
      });
      await this.segments.query(
        `INSERT INTO recording_segments
           (recording_id, msn, name, init_name, duration, discontinuity, bytes, program_date_time, state)
         VALUES ${tuples.join(', ')}
         ON CONFLICT (recording_id, msn) DO UPDATE SET state = EXCLUDED.state`,
        values,
      );
    }
  }

  /** Newest first, keyset-paginated on (started_at, id). */
  list(query: RecordingQuery): Promise<RecordingEntity[]> {
    const select = this.recordings
      .createQueryBuilder('r')
      .where(`r.status <> 'deleted'`)
      .orderBy('r.started_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(query.limit);
    if (query.ownerId) select.andWhere('r.owner_id = :owner', { owner: query.ownerId });
    if (query.streamKeyId) select.andWhere('r.stream_key_id = :key', { key: query.streamKeyId });
    if (query.from) select.andWhere('r.started_at >= :from', { from: query.from });
    if (query.to) select.andWhere('r.started_at < :to', { to: query.to });
    if (query.before) select.andWhere('(r.started_at, r.id) < (:at, :id)', query.before);
    return select.getMany();
  }

  findById(id: string): Promise<RecordingEntity | null> {
    return this.recordings.findOne({ where: { id } });
  }

  /**
   * A recording for playback, with its stream key's signed-playback setting as it is now (turning signing on
   * closes old recordings too); the setting recorded with it only when the key row is gone.
   */
  async findPlayable(id: string): Promise<PlayableRecording | undefined> {
    const [row] = await queryRows<PlayableRecording>(
      this.recordings.manager.connection,
      `SELECT r.id, r.playback_id AS "playbackId", r.status,
              COALESCE(k.signed_playback, r.signed_playback) AS "signedPlayback"
       FROM recordings r LEFT JOIN stream_keys k ON k.id = r.stream_key_id
       WHERE r.id = $1`,
      [id],
    );
    return row;
  }

  segmentsOf(recordingId: string): Promise<RecordingSegmentEntity[]> {
    return this.segments.find({ where: { recordingId }, order: { msn: 'ASC' } });
  }

  /** Totals from the segment log, and the final status. */
  async finalize(id: string, endedAt: Date, status: RecordingStatus): Promise<RecordingEntity | null> {
    await this.recordings.query(
      `UPDATE recordings r SET ended_at = $2, status = $3,
         duration_seconds = COALESCE(s.duration, 0), bytes = COALESCE(s.bytes, 0),
         segment_count = COALESCE(s.count, 0), gaps = COALESCE(s.failed, 0)
       FROM (SELECT sum(duration) AS duration, sum(bytes) AS bytes, count(*) FILTER (WHERE state = 'stored') AS count,
                    count(*) FILTER (WHERE state <> 'stored') AS failed
             FROM recording_segments WHERE recording_id = $1) s
       WHERE r.id = $1`,
      [id, endedAt, status],
    );
    return this.findById(id);
  }

  /** Recordings a previous run of this node left open (crash or kill): they end as incomplete. */
  async closeOrphans(nodeId: string, at: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.recordings.manager.connection,
      `UPDATE recordings r SET status = 'incomplete', ended_at = COALESCE(r.ended_at, $2)
       FROM stream_sessions s
       WHERE s.id = r.id AND s.node_id = $1 AND r.status = 'recording'
       RETURNING r.id`,
      [nodeId, at],
    );
    return rows.length;
  }

  async markDeleted(id: string): Promise<void> {
    await this.recordings.update({ id }, { status: 'deleted' });
    await this.segments.delete({ recordingId: id });
  }
}
