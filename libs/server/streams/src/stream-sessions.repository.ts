import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EndReason } from '@rapidrtmp/server-domain';
import { type KeysetWindow, queryRows, StreamSessionEntity } from '@rapidrtmp/server-persistence';
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

/** A session as history shows it: with its key's label and playback id and the names of owner and stopper. */
export interface SessionRecord {
  id: string;
  streamKeyId: string | null;
  keyLabel: string | null;
  playbackId: string | null;
  ownerId: string | null;
  ownerName: string | null;
  nodeId: string;
  startedAt: Date;
  endedAt: Date | null;
  endReason: EndReason | null;
  stoppedBy: string | null;
  stopperName: string | null;
  bytesIn: number;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
  avgBitrate: number | null;
}

/** Which sessions, newest first: every field narrows. */
export interface SessionQuery extends KeysetWindow {
  ownerId?: string;
  streamKeyId?: string;
  endReason?: EndReason;
}

interface Row {
  id: string;
  stream_key_id: string | null;
  key_label: string | null;
  playback_id: string | null;
  owner_id: string | null;
  owner_name: string | null;
  node_id: string;
  started_at: Date;
  ended_at: Date | null;
  end_reason: EndReason | null;
  stopped_by: string | null;
  stopper_name: string | null;
  bytes_in: string;
  video_codec: string | null;
  audio_codec: string | null;
  width: number | null;
  height: number | null;
  avg_bitrate: number | null;
}

const SELECT = `
  SELECT s.id, s.stream_key_id, k.label AS key_label, k.playback_id, s.owner_id,
         COALESCE(o.display_name, o.email) AS owner_name, s.node_id, s.started_at, s.ended_at, s.end_reason,
         s.stopped_by, COALESCE(m.display_name, m.email) AS stopper_name, s.bytes_in, s.video_codec,
         s.audio_codec, s.width, s.height, s.avg_bitrate
  FROM stream_sessions s
  LEFT JOIN stream_keys k ON k.id = s.stream_key_id
  LEFT JOIN users o ON o.id = s.owner_id
  LEFT JOIN users m ON m.id = s.stopped_by`;

/** The only code that touches stream_sessions: ingest opens and closes them, history reads them. */
@Injectable()
export class StreamSessionsRepository {
  constructor(@InjectRepository(StreamSessionEntity) private readonly sessions: Repository<StreamSessionEntity>) {}

  /**
   * The row of a session that went live; its id is chosen by the caller (so a publish can go live while the
   * database is unreachable and the row be written when it is back). Writing it twice is harmless.
   */
  async open(values: {
    id: string;
    streamKeyId: string;
    ownerId: string;
    nodeId: string;
    startedAt: Date;
  }): Promise<void> {
    await this.sessions.createQueryBuilder().insert().values(values).orIgnore().execute();
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

  /** Newest first, keyset-paginated on (started_at, id). */
  async history(query: SessionQuery): Promise<SessionRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.ownerId) add('s.owner_id = ?', query.ownerId);
    if (query.streamKeyId) add('s.stream_key_id = ?', query.streamKeyId);
    if (query.from) add('s.started_at >= ?', query.from);
    if (query.to) add('s.started_at < ?', query.to);
    if (query.endReason) add('s.end_reason = ?', query.endReason);
    if (query.before) {
      params.push(query.before.at, query.before.id);
      where.push(`(s.started_at, s.id) < ($${params.length - 1}, $${params.length})`);
    }
    params.push(query.limit);
    const rows: Row[] = await this.sessions.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.started_at DESC, s.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  /** Sessions still open on other nodes (their publishers are live there), oldest first. */
  async openElsewhere(nodeId: string): Promise<SessionRecord[]> {
    const rows: Row[] = await this.sessions.query(
      `${SELECT} WHERE s.ended_at IS NULL AND s.node_id <> $1 ORDER BY s.started_at, s.id`,
      [nodeId],
    );
    return rows.map(toRecord);
  }

  /** The open session of a key (on any node), if it is live. */
  async openOfKey(streamKeyId: string): Promise<SessionRecord | undefined> {
    const rows: Row[] = await this.sessions.query(
      `${SELECT} WHERE s.ended_at IS NULL AND s.stream_key_id = $1 ORDER BY s.started_at DESC LIMIT 1`,
      [streamKeyId],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async findRecord(id: string): Promise<SessionRecord | undefined> {
    const rows: Row[] = await this.sessions.query(`${SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }
}

function toRecord(row: Row): SessionRecord {
  return {
    id: row.id,
    streamKeyId: row.stream_key_id,
    keyLabel: row.key_label,
    playbackId: row.playback_id,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    nodeId: row.node_id,
    startedAt: new Date(row.started_at),
    endedAt: row.ended_at ? new Date(row.ended_at) : null,
    endReason: row.end_reason,
    stoppedBy: row.stopped_by,
    stopperName: row.stopper_name,
    bytesIn: Number(row.bytes_in),
    videoCodec: row.video_codec,
    audioCodec: row.audio_codec,
    width: row.width,
    height: row.height,
    avgBitrate: row.avg_bitrate,
  };
}
