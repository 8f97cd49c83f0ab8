import { Body, Controller, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, Access, CurrentPrincipal, STAFF, canSeeAllOf, type Principal } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { HlsService, livePlaybackUrl } from '@rapidrtmp/server-delivery';
import { AuditLog } from '@rapidrtmp/server-persistence';
import { StreamKeysRepository } from '@rapidrtmp/server-stream-keys';
import { type LiveStream, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { SessionsQuery } from '../sessions/sessions.query.js';
import { SessionDto } from '../sessions/sessions.dto.js';
import { StreamControl } from './stream-control.service.js';
import { LiveStreamDetailDto, LiveStreamDto, StopStreamDto } from './streams.dto.js';

@ApiTags('streams')
@Controller('api/v1/streams')
export class StreamsController {
  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly hls: HlsService,
    private readonly keys: StreamKeysRepository,
    private readonly control: StreamControl,
    private readonly sessions: SessionsQuery,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
  ) {}

  @Access(ALL_ROLES, 'streams:read')
  @Get('live')
  @ApiOperation({ summary: 'Live streams with their stats (publishers: their own)', operationId: 'listLiveStreams' })
  @ApiOkResponse({ type: [LiveStreamDto] })
  live(@CurrentPrincipal() principal: Principal): LiveStreamDto[] {
    return this.registry
      .list()
      .filter((s) => canSeeAllOf(principal) || s.info.ownerId === principal.userId)
      .sort((a, b) => a.info.startedAt.getTime() - b.info.startedAt.getTime())
      .map((s) => this.toDto(s));
  }

  @Access(ALL_ROLES, 'streams:read')
  @Get(':id')
  @ApiOperation({ summary: 'A live stream with its last five minutes of ingest', operationId: 'getLiveStream' })
  @ApiOkResponse({ type: LiveStreamDetailDto })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): LiveStreamDetailDto {
    const stream = this.visible(id, principal);
    return {
      ...this.toDto(stream),
      timeline: stream.stats
        .timeline()
        .map((s) => ({ at: s.at, bits: s.bytes * 8, frames: s.videoFrames, keyframes: s.keyframes })),
    };
  }

  @Access(STAFF, 'streams:write')
  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a live stream: the publisher is disconnected, the playlist ends; optionally ban the key',
    operationId: 'stopStream',
  })
  @ApiOkResponse({ type: SessionDto })
  async stop(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: StopStreamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SessionDto> {
    const stream = this.visible(id, principal);
    const { streamKeyId } = stream.info;
    if (body.banSeconds) {
      await this.keys.update(streamKeyId, {
        bannedUntil: new Date(Date.now() + body.banSeconds * 1000),
        banReason: body.reason ?? null,
      });
      this.control.forget(streamKeyId);
    }
    this.control.stopKey(streamKeyId, 'stopped_by_moderator', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream.stopped',
      targetType: 'stream_session',
      targetId: id,
      details: { streamKeyId, reason: body.reason ?? null, banSeconds: body.banSeconds ?? null },
    });
    const session = await this.sessions.waitForEnd(id, 2000);
    if (!session) throw new NotFoundException('No such stream.');
    return session;
  }

  private visible(id: string, principal: Principal): LiveStream {
    const stream = this.registry.get(id);
    if (!stream || (!canSeeAllOf(principal) && stream.info.ownerId !== principal.userId))
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
      viewers: this.hls.viewers(info.playbackId),
      bytesIn: stats.bytesIn,
      playbackUrl: livePlaybackUrl(this.config.publicUrl, info.playbackId),
      signedPlayback: info.signedPlayback,
    };
  }
}
