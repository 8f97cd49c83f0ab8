import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EndReason } from '@rapidrtmp/server-domain';
import { queryRows, StreamSessionEntity } from '@rapidrtmp/server-persistence';
import { IsNull, type Repository } from 'typeorm';

export interface SessionMedia {
  videoCodec?: string | null;
  audioCodec?: string | null;
  width?: number | null;
  height?: number | null;
}

export interface SessionEnd {
  endedAt: Date;
  endReason: EndReason;
  stoppedBy?: string | null;
  bytesIn: number;
  avgBitrate: number | null;
}

/** A session ended for its node (node loss), with what webhooks and recordings need to report it. */
export interface EndedSession {
  id: string;
  streamKeyId: string | null;
  playbackId: string | null;
  keyLabel: string | null;
  ownerId: string | null;
  ownerName: string | null;
  startedAt: Date;
  endedAt: Date;
  bytesIn: number;
}

/** The only code that touches stream_sessions. */
@Injectable()
export class StreamSessionsRepository {
  constructor(@InjectRepository(StreamSessionEntity) private readonly sessions: Repository<StreamSessionEntity>) {}

  async open(values: { streamKeyId: string; ownerId: string; nodeId: string; startedAt: Date }): Promise<string> {
    const saved = await this.sessions.save(this.sessions.create(values));
    return saved.id;
  }

  async updateMedia(id: string, media: SessionMedia): Promise<void> {
    await this.sessions.update({ id }, media);
  }

  async close(id: string, end: SessionEnd): Promise<void> {
    await this.sessions.update(
      { id, endedAt: IsNull() },
      {
        endedAt: end.endedAt,
        endReason: end.endReason,
        stoppedBy: end.stoppedBy ?? null,
        bytesIn: String(end.bytesIn),
        avgBitrate: end.avgBitrate,
      },
    );
  }

  /** Ends every session a lost node left open (`node_lost`), once: a second call finds none. */
  async endSessionsOfLostNode(nodeId: string): Promise<EndedSession[]> {
    const rows = await queryRows<EndedSession & { bytesIn: string }>(
      this.sessions.manager.connection,
      `WITH ended AS (
         UPDATE stream_sessions SET ended_at = now(), end_reason = 'node_lost'
         WHERE node_id = $1 AND ended_at IS NULL
         RETURNING id, stream_key_id, owner_id, started_at, ended_at, bytes_in
       )
       SELECT e.id, e.stream_key_id AS "streamKeyId", k.playback_id AS "playbackId", k.label AS "keyLabel",
              e.owner_id AS "ownerId", COALESCE(u.display_name, u.email) AS "ownerName",
              e.started_at AS "startedAt", e.ended_at AS "endedAt", e.bytes_in AS "bytesIn"
       FROM ended e
       LEFT JOIN stream_keys k ON k.id = e.stream_key_id
       LEFT JOIN users u ON u.id = e.owner_id`,
      [nodeId],
    );
    return rows.map((row) => ({ ...row, bytesIn: Number(row.bytesIn) }));
  }

  findById(id: string): Promise<StreamSessionEntity | null> {
    return this.sessions.findOne({ where: { id } });
  }
}
