import { Injectable, NotFoundException, Optional } from '@nestjs/common';
import { can, type Principal } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { AuditLog } from '@rapidrtmp/server-persistence';
import { LivePlayback, StreamKeysService } from '@rapidrtmp/server-stream-keys';
import { ClusterStreams } from './cluster-streams.js';
import type { SessionDto } from './dto/sessions.dto.js';
import type { LiveStreamDetailDto, LiveStreamDto, StopStreamDto } from './dto/streams.dto.js';
import type { LiveStream } from './live-stream.js';
import { LivePushTargets } from './live-push-targets.js';
import { StreamControl } from './stream-control.service.js';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { SessionsService } from './sessions.service.js';

/** How long a stop request waits for the session's end to be recorded before answering. */
const STOP_WAIT_MS = 2000;

/**
 * Live streams on every node with their ingest stats: publishers see their own, moderators and admins
 * everyone's, and may stop one (optionally banning its key) whichever node it is on.
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
    private readonly config: AppConfig,
    @Optional() private readonly cluster?: ClusterStreams,
    @Optional() private readonly pushTargets?: LivePushTargets,
  ) {}

  /** Oldest first, from every node. */
  async live(principal: Principal): Promise<LiveStreamDto[]> {
    const all = [...this.localLive(), ...((await this.cluster?.live()) ?? [])];
    return all
      .filter((s) => can(principal, 'others:read') || s.ownerId === principal.userId)
      .sort((a, b) => new Date(a.startedAt).getTime() - new Date(b.startedAt).getTime());
  }

  /** This node's live streams, for the other nodes' listings. */
  localLive(): LiveStreamDto[] {
    return this.registry.list().map((s) => this.toDto(s));
  }

  /** One of this node's live streams with its timeline, for another node's API. */
  localDetail(id: string): LiveStreamDetailDto {
    const stream = this.registry.get(id);
    if (!stream) throw new NotFoundException('No such live stream.');
    return this.detailOf(stream);
  }

  /** With the last five minutes of ingest, second by second; from whichever node has it. */
  async get(principal: Principal, id: string): Promise<LiveStreamDetailDto> {
    const local = this.registry.get(id);
    const detail = local ? this.detailOf(local) : await this.cluster?.detail(id);
    if (!detail || !this.mayView(principal, detail.ownerId)) throw new NotFoundException('No such live stream.');
    return detail;
  }

  /** Disconnects the publisher (the playlist ends), optionally bans the key; answers with the ended session. */
  async stop(principal: Principal, id: string, input: StopStreamDto): Promise<SessionDto> {
    const { streamKeyId } = await this.target(principal, id);
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

  /** The key of a live stream the principal may see, on this node or another. */
  private async target(principal: Principal, id: string): Promise<{ streamKeyId: string }> {
    const local = this.registry.get(id)?.info;
    const remote = local ? undefined : await this.cluster?.openSession(id);
    const ownerId = local?.ownerId ?? remote?.ownerId;
    const streamKeyId = local?.streamKeyId ?? remote?.streamKeyId;
    if (!streamKeyId || !ownerId || !this.mayView(principal, ownerId))
      throw new NotFoundException('No such live stream.');
    return { streamKeyId };
  }

  private mayView(principal: Principal, ownerId: string): boolean {
    return can(principal, 'others:read') || ownerId === principal.userId;
  }

  private detailOf(stream: LiveStream): LiveStreamDetailDto {
    return {
      ...this.toDto(stream),
      timeline: stream.stats
        .timeline()
        .map((s) => ({ at: s.at, bits: s.bytes * 8, frames: s.videoFrames, keyframes: s.keyframes })),
      pushTargets: this.pushTargets?.statusOf(stream.info.streamKeyId) ?? [],
    };
  }

  private toDto(stream: LiveStream): LiveStreamDto {
    const { info, stats, tracks } = stream;
    const video = tracks.video;
    const audio = tracks.audio;
    return {
      id: info.id,
      nodeId: this.config.nodeId,
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
