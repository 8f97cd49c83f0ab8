import { PassThrough } from 'node:stream';
import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
  Res,
} from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, Access, CurrentPrincipal, canSeeAllOf, type Principal } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { AuditLog, decodeCursor, encodeCursor, type RecordingEntity } from '@rapidrtmp/server-persistence';
import { OBJECT_STORE, type ObjectStore } from '@rapidrtmp/server-storage';
import type { FastifyReply } from 'fastify';
import { recordingKey } from './recorder.service.js';
import { RecordingDto, RecordingPageDto, RecordingsFilterDto } from './recordings.dto.js';
import { RecordingsRepository } from './recordings.repository.js';

@ApiTags('recordings')
@Controller('api/v1/recordings')
export class RecordingsController {
  constructor(
    private readonly repository: RecordingsRepository,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
  ) {}

  @Access(ALL_ROLES, 'sessions:read')
  @Get()
  @ApiOperation({ summary: 'Recordings, newest first (publishers: their own)', operationId: 'listRecordings' })
  @ApiOkResponse({ type: RecordingPageDto })
  async list(
    @Query() filter: RecordingsFilterDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RecordingPageDto> {
    const limit = filter.limit ?? 50;
    const query = this.repository.recordings
      .createQueryBuilder('r')
      .where(`r.status <> 'deleted'`)
      .orderBy('r.started_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(limit + 1);
    const owner = canSeeAllOf(principal) ? filter.userId : principal.userId;
    if (owner) query.andWhere('r.owner_id = :owner', { owner });
    if (filter.streamKeyId) query.andWhere('r.stream_key_id = :key', { key: filter.streamKeyId });
    if (filter.from) query.andWhere('r.started_at >= :from', { from: new Date(filter.from) });
    if (filter.to) query.andWhere('r.started_at < :to', { to: new Date(filter.to) });
    if (filter.cursor) {
      const { at, id } = decodeCursor(filter.cursor);
      query.andWhere('(r.started_at, r.id) < (:at, :id)', { at, id });
    }
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map((r) => this.toDto(r));
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor(last.startedAt, last.id) : null };
  }

  @Access(ALL_ROLES, 'sessions:read')
  @Get(':id')
  @ApiOperation({ summary: 'One recording', operationId: 'getRecording' })
  @ApiOkResponse({ type: RecordingDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<RecordingDto> {
    return this.toDto(await this.visible(id, principal));
  }

  @Access(ALL_ROLES, 'sessions:read')
  @Get(':id/download')
  @ApiOperation({
    summary: 'The recording as one MP4 file (fragmented: one init segment, then every fragment)',
    operationId: 'downloadRecording',
  })
  @ApiProduces('video/mp4')
  @ApiOkResponse({ description: 'An MP4 file' })
  async download(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() principal: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const recording = await this.visible(id, principal);
    const segments = (await this.repository.segmentsOf(id)).filter((s) => s.state === 'stored');
    if (segments.length === 0) throw new NotFoundException('This recording has no stored segments.');
    // One init: fragments after a codec change would need their own moov; they are left out of the file.
    const initName = segments[0]!.initName;
    const parts = [initName, ...segments.filter((s) => s.initName === initName).map((s) => s.name)];
    const sizes = await Promise.all(parts.map(async (name) => (await this.store.head(recordingKey(id, name)))?.size));
    if (sizes.some((size) => size === undefined))
      throw new NotFoundException('Part of the recording is missing from storage.');
    const body = new PassThrough();
    void (async () => {
      try {
        for (const name of parts) {
          const stream = await this.store.createReadStream(recordingKey(id, name));
          for await (const chunk of stream) if (!body.write(chunk)) await new Promise((r) => body.once('drain', r));
        }
        body.end();
      } catch (error) {
        body.destroy(error as Error);
      }
    })();
    await reply
      .header('content-type', 'video/mp4')
      .header('content-length', String(sizes.reduce((sum, size) => sum! + size!, 0)))
      .header(
        'content-disposition',
        `attachment; filename="recording-${recording.startedAt.toISOString().replace(/[:.]/g, '-')}.mp4"`,
      )
      .send(body);
  }

  @Access(ALL_ROLES, 'sessions:read')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a recording and its stored objects (owner, moderator, admin)',
    operationId: 'deleteRecording',
  })
  @ApiNoContentResponse()
  async remove(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    const recording = await this.visible(id, principal);
    if (recording.status === 'recording') throw new BadRequestException('The stream is still live; stop it first.');
    const removed = await this.store.deleteByPrefix(`recordings/${id}/`);
    await this.repository.markDeleted(id);
    await this.audit.record({
      actorId: principal.userId,
      action: 'recording.deleted',
      targetType: 'recording',
      targetId: id,
      details: { objects: removed },
    });
  }

  private async visible(id: string, principal: Principal): Promise<RecordingEntity> {
    const recording = await this.repository.findById(id);
    if (
      !recording ||
      recording.status === 'deleted' ||
      (!canSeeAllOf(principal) && recording.ownerId !== principal.userId)
    ) {
      throw new NotFoundException('No such recording.');
    }
    return recording;
  }

  private toDto(r: RecordingEntity): RecordingDto {
    return {
      id: r.id,
      streamKeyId: r.streamKeyId,
      ownerId: r.ownerId,
      playbackId: r.playbackId,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      durationSeconds: Math.round(r.durationSeconds * 1000) / 1000,
      bytes: Number(r.bytes),
      segmentCount: r.segmentCount,
      storageBackend: r.storageBackend,
      status: r.status,
      gaps: r.gaps,
      playbackUrl: `${this.config.publicUrl}/vod/${r.id}/index.m3u8`,
      downloadUrl: `${this.config.publicUrl}/api/v1/recordings/${r.id}/download`,
    };
  }
}
