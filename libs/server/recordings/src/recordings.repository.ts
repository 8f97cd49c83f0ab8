import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  queryRows,
  RecordingEntity,
  RecordingSegmentEntity,
  type RecordingStatus,
} from '@rapidrtmp/server-persistence';
import type { Repository } from 'typeorm';

/** The only code that touches recordings and recording_segments. */
@Injectable()
export class RecordingsRepository {
  constructor(
    @InjectRepository(RecordingEntity) readonly recordings: Repository<RecordingEntity>,
    @InjectRepository(RecordingSegmentEntity) private readonly segments: Repository<RecordingSegmentEntity>,
  ) {}

  async create(
    values: Omit<RecordingEntity, 'endedAt' | 'durationSeconds' | 'bytes' | 'segmentCount' | 'gaps' | 'status'>,
  ): Promise<void> {
    await this.recordings.insert({ ...values, status: 'recording' });
  }

  async addSegment(values: Omit<RecordingSegmentEntity, 'state'>): Promise<void> {
    await this.segments.insert({ ...values, state: 'pending' });
  }

  async setSegmentState(recordingId: string, msn: number, state: 'stored' | 'failed'): Promise<void> {
    await this.segments.update({ recordingId, msn }, { state });
  }

  findById(id: string): Promise<RecordingEntity | null> {
    return this.recordings.findOne({ where: { id } });
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
