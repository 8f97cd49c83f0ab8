import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ALL_ROLES, Access, CurrentPrincipal, STAFF, canSeeAllOf, type Principal } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { livePlaybackUrl, PlaybackSigner } from '@rapidrtmp/server-delivery';
import { AuditLog, type StreamKeyEntity } from '@rapidrtmp/server-persistence';
import {
  StreamKeysRepository,
  StreamKeysService,
  generateStreamKey,
  type CreatedStreamKey,
} from '@rapidrtmp/server-stream-keys';
import { LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { UsersRepository } from '@rapidrtmp/server-users';
import { StreamControl } from '../streams/stream-control.service.js';
import {
  BanStreamKeyDto,
  CreateStreamKeyDto,
  CreatedStreamKeyDto,
  PlaybackTokenDto,
  PlaybackTokenRequestDto,
  StreamKeyDto,
  UpdateStreamKeyDto,
} from './stream-keys.dto.js';

const OWNER_OR_ADMIN = ['admin', 'publisher'] as const;

@ApiTags('stream keys')
@Controller('api/v1/stream-keys')
export class StreamKeysController {
  constructor(
    private readonly keys: StreamKeysRepository,
    private readonly service: StreamKeysService,
    private readonly users: UsersRepository,
    private readonly registry: LiveStreamRegistry,
    private readonly control: StreamControl,
    private readonly signer: PlaybackSigner,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
  ) {}

  @Access(ALL_ROLES, 'keys:read')
  @Get()
  @ApiOperation({ summary: 'Stream keys: your own, or (moderators, admins) anyone’s', operationId: 'listStreamKeys' })
  @ApiQuery({ name: 'userId', required: false, description: 'Moderators and admins: only this user’s keys' })
  @ApiOkResponse({ type: [StreamKeyDto] })
  async list(@CurrentPrincipal() principal: Principal, @Query('userId') userId?: string): Promise<StreamKeyDto[]> {
    const owner = canSeeAllOf(principal) ? userId : principal.userId;
    const keys = await this.keys.listByOwner(owner);
    const names = await this.users.namesByIds(keys.map((k) => k.ownerId));
    return keys.map((key) => this.toDto(key, names.get(key.ownerId)));
  }

  @Access(OWNER_OR_ADMIN, 'keys:write')
  @Post()
  @ApiOperation({ summary: 'Create a stream key; the secret is in this response only', operationId: 'createStreamKey' })
  @ApiCreatedResponse({ type: CreatedStreamKeyDto })
  async create(
    @Body() body: CreateStreamKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedStreamKeyDto> {
    const ownerId = body.userId ?? principal.userId;
    if (ownerId !== principal.userId && principal.role !== 'admin')
      throw new ForbiddenException('Only admins create keys for other users.');
    if (!(await this.users.findById(ownerId))) throw new NotFoundException('No such user.');
    const created = await this.service.create(ownerId, body.label);
    if (body.signedPlayback) await this.keys.update(created.id, { signedPlayback: true });
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.created',
      targetType: 'stream_key',
      targetId: created.id,
      details: { label: body.label, ownerId },
    });
    return this.toCreatedDto(created, (await this.keys.findById(created.id))!);
  }

  @Access(ALL_ROLES, 'keys:read')
  @Get(':id')
  @ApiOperation({ summary: 'One stream key', operationId: 'getStreamKey' })
  @ApiOkResponse({ type: StreamKeyDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<StreamKeyDto> {
    return this.dto(await this.findVisible(id, principal));
  }

  @Access(OWNER_OR_ADMIN, 'keys:write')
  @Patch(':id')
  @ApiOperation({
    summary: 'Rename a key or switch signed playback (from the next publish on)',
    operationId: 'updateStreamKey',
  })
  @ApiOkResponse({ type: StreamKeyDto })
  async update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateStreamKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamKeyDto> {
    await this.findManageable(id, principal);
    await this.keys.update(id, body);
    this.control.forget(id);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.updated',
      targetType: 'stream_key',
      targetId: id,
      details: { ...body },
    });
    return this.dto((await this.keys.findById(id))!);
  }

  @Access(OWNER_OR_ADMIN, 'keys:write')
  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key for good; a live stream on it stops', operationId: 'revokeStreamKey' })
  @ApiOkResponse({ type: StreamKeyDto })
  async revoke(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamKeyDto> {
    await this.findManageable(id, principal);
    await this.keys.update(id, { revokedAt: new Date() });
    this.control.stopKey(id, 'key_revoked', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.revoked',
      targetType: 'stream_key',
      targetId: id,
    });
    return this.dto((await this.keys.findById(id))!);
  }

  @Access(OWNER_OR_ADMIN, 'keys:write')
  @Post(':id/regenerate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the secret (same playback id); the old one stops working',
    operationId: 'regenerateStreamKey',
  })
  @ApiOkResponse({ type: CreatedStreamKeyDto })
  async regenerate(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedStreamKeyDto> {
    const key = await this.findManageable(id, principal);
    const secret = generateStreamKey();
    await this.keys.update(id, { keyHash: secret.hash, keyPrefix: secret.prefix, revokedAt: null });
    this.control.stopKey(id, 'key_revoked', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.regenerated',
      targetType: 'stream_key',
      targetId: id,
    });
    const updated = (await this.keys.findById(id))!;
    return this.toCreatedDto(
      {
        id,
        label: key.label,
        key: secret.key,
        keyPrefix: secret.prefix,
        playbackId: key.playbackId,
        rtmpUrl: this.service.rtmpUrl(),
        createdAt: key.createdAt,
      },
      updated,
    );
  }

  @Access(STAFF, 'streams:write')
  @Post(':id/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a key until a time; a live stream on it stops', operationId: 'banStreamKey' })
  @ApiOkResponse({ type: StreamKeyDto })
  async ban(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: BanStreamKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamKeyDto> {
    await this.findVisible(id, principal);
    const until = body.until ? new Date(body.until) : new Date(Date.now() + (body.seconds ?? 3600) * 1000);
    await this.keys.update(id, { bannedUntil: until, banReason: body.reason ?? null });
    this.control.stopKey(id, 'key_banned', principal.userId);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.banned',
      targetType: 'stream_key',
      targetId: id,
      details: { until, reason: body.reason },
    });
    return this.dto((await this.keys.findById(id))!);
  }

  @Access(STAFF, 'streams:write')
  @Delete(':id/ban')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a ban', operationId: 'unbanStreamKey' })
  @ApiNoContentResponse()
  async unban(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.findVisible(id, principal);
    await this.keys.update(id, { bannedUntil: null, banReason: null });
    this.control.stopKey(id, 'key_banned', null);
    await this.audit.record({
      actorId: principal.userId,
      action: 'stream_key.unbanned',
      targetType: 'stream_key',
      targetId: id,
    });
  }

  @Access(ALL_ROLES, 'keys:read')
  @Post(':id/playback-token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A short-lived signed playback URL (keys with signed playback)',
    operationId: 'createPlaybackToken',
  })
  @ApiOkResponse({ type: PlaybackTokenDto })
  async playbackToken(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PlaybackTokenRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PlaybackTokenDto> {
    const key = await this.findVisible(id, principal);
    const { token, expiresAt } = this.signer.sign(key.playbackId, body.ttlSeconds ?? 3600);
    return { token, expiresAt, playbackUrl: livePlaybackUrl(this.config.publicUrl, key.playbackId, token) };
  }

  private async findVisible(id: string, principal: Principal): Promise<StreamKeyEntity> {
    const key = await this.keys.findById(id);
    if (!key || (!canSeeAllOf(principal) && key.ownerId !== principal.userId))
      throw new NotFoundException('No such stream key.');
    return key;
  }

  private async findManageable(id: string, principal: Principal): Promise<StreamKeyEntity> {
    const key = await this.findVisible(id, principal);
    if (principal.role !== 'admin' && key.ownerId !== principal.userId)
      throw new ForbiddenException('Only the owner or an admin manages this key.');
    return key;
  }

  private async dto(key: StreamKeyEntity): Promise<StreamKeyDto> {
    return this.toDto(key, (await this.users.namesByIds([key.ownerId])).get(key.ownerId));
  }

  private toDto(key: StreamKeyEntity, ownerName?: string): StreamKeyDto {
    return {
      id: key.id,
      label: key.label,
      keyPrefix: key.keyPrefix,
      playbackId: key.playbackId,
      ownerId: key.ownerId,
      ownerName: ownerName ?? '',
      playbackUrl: livePlaybackUrl(this.config.publicUrl, key.playbackId),
      embedUrl: `${this.config.publicUrl}/embed/${key.playbackId}`,
      signedPlayback: key.signedPlayback,
      live: this.registry.byStreamKeyId(key.id) !== undefined,
      revokedAt: key.revokedAt,
      bannedUntil: key.bannedUntil,
      banReason: key.banReason,
      lastUsedAt: key.lastUsedAt,
      createdAt: key.createdAt,
    };
  }

  private async toCreatedDto(created: CreatedStreamKey, key: StreamKeyEntity): Promise<CreatedStreamKeyDto> {
    return {
      ...(await this.dto(key)),
      key: created.key,
      rtmpUrl: created.rtmpUrl,
      obs: { server: created.rtmpUrl, streamKey: created.key },
      ffmpegCommand: `ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -g 60 -c:a aac -f flv ${created.rtmpUrl}/${created.key}`,
    };
  }
}
