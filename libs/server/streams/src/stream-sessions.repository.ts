import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EndReason } from '@rapidrtmp/server-domain';
import { StreamSessionEntity } from '@rapidrtmp/server-persistence';
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

  /** Sessions this node left open when it died; closed on the next start. Returns how many. */
  async closeOrphans(nodeId: string, at: Date): Promise<number> {
    const result = await this.sessions.update({ nodeId, endedAt: IsNull() }, { endedAt: at, endReason: 'node_lost' });
    return result.affected ?? 0;
  }

  findById(id: string): Promise<StreamSessionEntity | null> {
    return this.sessions.findOne({ where: { id } });
  }
}
