import { Injectable, NotFoundException } from '@nestjs/common';
import { can, type Principal } from '@rapidrtmp/server-access';
import { keysetPage, keysetWindow } from '@rapidrtmp/server-persistence';
import type { SessionDto, SessionPageDto, SessionsFilterDto } from './dto/sessions.dto.js';
import { StreamSessionsRepository, type SessionRecord } from './stream-sessions.repository.js';

/** Stream history: publishers see their own sessions, moderators and admins everyone's. */
@Injectable()
export class SessionsService {
  constructor(private readonly sessions: StreamSessionsRepository) {}

  /** Newest first, a page at a time (`nextCursor` continues with older sessions). */
  async page(principal: Principal, filter: SessionsFilterDto): Promise<SessionPageDto> {
    const rows = await this.sessions.history({
      ...keysetWindow(filter),
      ownerId: can(principal, 'others:read') ? filter.userId : principal.userId,
      streamKeyId: filter.streamKeyId,
      endReason: filter.endReason,
    });
    return keysetPage(rows.map(toSessionDto), filter);
  }

  /** Someone else's session is "not found" to a publisher. */
  async get(principal: Principal, id: string): Promise<SessionDto> {
    const session = await this.find(id);
    if (!session || (!can(principal, 'others:read') && session.owner?.id !== principal.userId))
      throw new NotFoundException('No such session.');
    return session;
  }

  /** The session once its end is recorded (stop requests), or as it is after `timeoutMs`. */
  async waitForEnd(id: string, timeoutMs: number): Promise<SessionDto | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const session = await this.find(id);
      if (!session || !session.live || Date.now() > deadline) return session;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private async find(id: string): Promise<SessionDto | undefined> {
    const record = await this.sessions.findRecord(id);
    return record && toSessionDto(record);
  }
}

function toSessionDto(session: SessionRecord): SessionDto {
  const { startedAt, endedAt } = session;
  return {
    id: session.id,
    streamKeyId: session.streamKeyId,
    keyLabel: session.keyLabel,
    playbackId: session.playbackId,
    owner: session.ownerId ? { id: session.ownerId, name: session.ownerName ?? '' } : null,
    nodeId: session.nodeId,
    startedAt,
    endedAt,
    durationSeconds: Math.round(((endedAt ?? new Date()).getTime() - startedAt.getTime()) / 100) / 10,
    endReason: session.endReason,
    stoppedBy: session.stoppedBy ? { id: session.stoppedBy, name: session.stopperName ?? '' } : null,
    bytesIn: session.bytesIn,
    videoCodec: session.videoCodec,
    audioCodec: session.audioCodec,
    width: session.width,
    height: session.height,
    avgBitrate: session.avgBitrate,
    live: endedAt === null,
  };
}
