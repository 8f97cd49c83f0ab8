import { Injectable, NotFoundException } from '@nestjs/common';
import { can, type Principal } from '@rapidrtmp/server-access';
import { AuditLog } from '@rapidrtmp/server-persistence';
import { LivePlayback, StreamKeysService } from '@rapidrtmp/server-stream-keys';
import type { SessionDto } from './dto/sessions.dto.js';
import type { LiveStreamDetailDto, LiveStreamDto, StopStreamDto } from './dto/streams.dto.js';
import type { LiveStream } from './live-stream.js';
import { StreamControl } from './stream-control.service.js';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { SessionsService } from './sessions.service.js';

/** How long a stop request waits for the session's end to be recorded before answering. */
const STOP_WAIT_MS = 2000;

/**
 * Live streams on this node with their ingest stats: publishers see their own, moderators and admins
 * everyone's, and may stop one (optionally banning its key).
 */
@Injectable()
export class StreamsService {
  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly playback: LivePlayback,
    private readonly keys: StreamKeysService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditLog,
    private readonly control: StreamControl,
  ) {}

  /** Oldest first. */
  live(principal: Principal): LiveStreamDto[] {
    return this.registry
      .list()
      .filter((s) => can(principal, 'others:read') || s.info.ownerId === principal.userId)
      .sort((a, b) => a.info.startedAt.getTime() - b.info.startedAt.getTime())
      .map((s) => this.toDto(s));
  }

  /** With the last five minutes of ingest, second by second. */
  get(principal: Principal, id: string): LiveStreamDetailDto {
    const stream = this.visible(principal, id);
    return {
      ...this.toDto(stream),
      timeline: stream.stats
        .timeline()
        .map((s) => ({ at: s.at, bits: s.bytes * 8, frames: s.videoFrames, keyframes: s.keyframes })),
    };
  }

  /** Disconnects the publisher (the playlist ends), optionally bans the key; answers with the ended session. */
  async stop(principal: Principal, id: string, input: StopStreamDto): Promise<SessionDto> {
    const stream = this.visible(principal, id);
    const { streamKeyId } = stream.info;
    if (input.banSeconds) {
      const until = new Date(Date.now() + input.banSeconds * 1000);
      await this.keys.banWhileStopping(streamKeyId, until, input.reason ?? null);
    }
    this.control.stopKey(streamKeyId, 'stopped_by_moderator', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream.stopped',
      targetType: 'stream_session',
      targetId: id,
      details: { streamKeyId, reason: input.reason ?? null, banSeconds: input.banSeconds ?? null },
    });
    const session = await this.sessions.waitForEnd(id, STOP_WAIT_MS);
    if (!session) throw new NotFoundException('No such stream.');
    return session;
  }

  private visible(principal: Principal, id: string): LiveStream {
    const stream = this.registry.get(id);
    if (!stream || (!can(principal, 'others:read') && stream.info.ownerId !== principal.userId))
      throw new NotFoundException('No such live stream.');
    return stream;
  }

  private toDto(stream: LiveStream): LiveStreamDto {
    const { info, stats, tracks } = stream;
    const video = tracks.video;
    const audio = tracks.audio;
    return {
      id: info.id,
      playbackId: info.playbackId,
      streamKeyId: info.streamKeyId,
      keyLabel: info.keyLabel,
      ownerId: info.ownerId,
      ownerName: info.ownerName,
      startedAt: info.startedAt,
      durationSeconds: Math.round((Date.now() - info.startedAt.getTime()) / 100) / 10,
      video: video
        ? { codec: video.codecString, width: video.width, height: video.height, frameRate: video.frameRate }
        : undefined,
      audio: audio ? { codec: audio.codecString, sampleRate: audio.sampleRate, channels: audio.channels } : undefined,
      ingestBitrate: stats.bitrate(),
      fps: stats.frameRate(),
      keyframeIntervalMs: stats.keyframeIntervalMs,
      droppedFrames: stats.droppedFrames,
      viewers: this.playback.viewers(info.playbackId),
      bytesIn: stats.bytesIn,
      playbackUrl: this.playback.url(info.playbackId),
      signedPlayback: info.signedPlayback,
    };
  }
}
