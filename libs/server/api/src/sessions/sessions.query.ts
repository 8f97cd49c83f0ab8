import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor } from '@rapidrtmp/server-persistence';
import type { SessionDto, SessionPageDto, SessionsFilterDto } from './sessions.dto.js';

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
  end_reason: SessionDto['endReason'];
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

/** Reads stream history (stream_sessions with key, owner and moderator) for the API. */
@Injectable()
export class SessionsQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Newest first, keyset-paginated on (started_at, id). `ownerId` restricts to one owner (publishers). */
  async page(filter: SessionsFilterDto, ownerId: string | undefined): Promise<SessionPageDto> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    const owner = ownerId ?? filter.userId;
    if (owner) add('s.owner_id = ?', owner);
    if (filter.streamKeyId) add('s.stream_key_id = ?', filter.streamKeyId);
    if (filter.from) add('s.started_at >= ?', new Date(filter.from));
    if (filter.to) add('s.started_at < ?', new Date(filter.to));
    if (filter.endReason) add('s.end_reason = ?', filter.endReason);
    if (filter.cursor) {
      const cursor = decodeCursor(filter.cursor);
      params.push(cursor.at, cursor.id);
      where.push(`(s.started_at, s.id) < ($${params.length - 1}, $${params.length})`);
    }
    const limit = filter.limit ?? 50;
    params.push(limit + 1);
    const rows: Row[] = await this.db.query(
      `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.started_at DESC, s.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(toDto);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.startedAt, last.id) : null };
  }

  async one(id: string): Promise<SessionDto | undefined> {
    const rows: Row[] = await this.db.query(`${SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ? toDto(rows[0]) : undefined;
  }

  /** The session once its end is recorded (stop requests), or as it is after `timeoutMs`. */
  async waitForEnd(id: string, timeoutMs: number): Promise<SessionDto | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const session = await this.one(id);
      if (!session || !session.live || Date.now() > deadline) return session;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function toDto(row: Row): SessionDto {
  const startedAt = new Date(row.started_at);
  const endedAt = row.ended_at ? new Date(row.ended_at) : null;
  return {
    id: row.id,
    streamKeyId: row.stream_key_id,
    keyLabel: row.key_label,
    playbackId: row.playback_id,
    owner: row.owner_id ? { id: row.owner_id, name: row.owner_name ?? '' } : null,
    nodeId: row.node_id,
    startedAt,
    endedAt,
    durationSeconds: Math.round(((endedAt ?? new Date()).getTime() - startedAt.getTime()) / 100) / 10,
    endReason: row.end_reason,
    stoppedBy: row.stopped_by ? { id: row.stopped_by, name: row.stopper_name ?? '' } : null,
    bytesIn: Number(row.bytes_in),
    videoCodec: row.video_codec,
    audioCodec: row.audio_codec,
    width: row.width,
    height: row.height,
    avgBitrate: row.avg_bitrate,
    live: endedAt === null,
  };
}
