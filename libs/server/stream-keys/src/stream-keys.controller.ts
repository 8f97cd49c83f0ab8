import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import {
  BanStreamKeyDto,
  CreateStreamKeyDto,
  CreatedStreamKeyDto,
  PlaybackTokenDto,
  PlaybackTokenRequestDto,
  StreamKeyDto,
  UpdateStreamKeyDto,
} from './dto/stream-keys.dto.js';
import { StreamKeysService } from './stream-keys.service.js';

@ApiTags('stream keys')
@Controller('api/v1/stream-keys')
export class StreamKeysController {
  constructor(private readonly keys: StreamKeysService) {}

  @Access('keys:read')
  @Get()
  @ApiOperation({ summary: 'Stream keys: your own, or (moderators, admins) anyone’s', operationId: 'listStreamKeys' })
  @ApiQuery({ name: 'userId', required: false, description: 'Moderators and admins: only this user’s keys' })
  @ApiOkResponse({ type: [StreamKeyDto] })
  list(@CurrentPrincipal() principal: Principal, @Query('userId') userId?: string): Promise<StreamKeyDto[]> {
    return this.keys.list(principal, userId);
  }

  @Access('keys:write')
  @Post()
  @ApiOperation({ summary: 'Create a stream key; the secret is in this response only', operationId: 'createStreamKey' })
  @ApiCreatedResponse({ type: CreatedStreamKeyDto })
  create(@Body() body: CreateStreamKeyDto, @CurrentPrincipal() principal: Principal): Promise<CreatedStreamKeyDto> {
    return this.keys.create(principal, body);
  }

  @Access('keys:read')
  @Get(':id')
  @ApiOperation({ summary: 'One stream key', operationId: 'getStreamKey' })
  @ApiOkResponse({ type: StreamKeyDto })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<StreamKeyDto> {
    return this.keys.get(principal, id);
  }

  @Access('keys:write')
  @Patch(':id')
  @ApiOperation({
    summary:
      'Rename a key or switch signed playback: its live stream follows from the next publish on, its ' +
      'recordings at once',
    operationId: 'updateStreamKey',
  })
  @ApiOkResponse({ type: StreamKeyDto })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateStreamKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamKeyDto> {
    return this.keys.update(principal, id, body);
  }

  @Access('keys:write')
  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key for good; a live stream on it stops', operationId: 'revokeStreamKey' })
  @ApiOkResponse({ type: StreamKeyDto })
  revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<StreamKeyDto> {
    return this.keys.revoke(principal, id);
  }

  @Access('keys:write')
  @Post(':id/regenerate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the secret (same playback id); the old one stops working',
    operationId: 'regenerateStreamKey',
  })
  @ApiOkResponse({ type: CreatedStreamKeyDto })
  @ApiConflictResponse({ description: 'The key is revoked: a revocation is for good' })
  regenerate(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedStreamKeyDto> {
    return this.keys.regenerate(principal, id);
  }

  @Access('streams:write')
  @Post(':id/ban')
  @HttpCode(200)
  @ApiOperation({ summary: 'Ban a key until a time; a live stream on it stops', operationId: 'banStreamKey' })
  @ApiOkResponse({ type: StreamKeyDto })
  ban(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: BanStreamKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StreamKeyDto> {
    return this.keys.ban(principal, id, body);
  }

  @Access('streams:write')
  @Delete(':id/ban')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a ban', operationId: 'unbanStreamKey' })
  @ApiNoContentResponse()
  unban(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.keys.unban(principal, id);
  }

  @Access('keys:read')
  @Post(':id/playback-token')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A short-lived signed playback URL (keys with signed playback)',
    operationId: 'createPlaybackToken',
  })
  @ApiOkResponse({ type: PlaybackTokenDto })
  playbackToken(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: PlaybackTokenRequestDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PlaybackTokenDto> {
    return this.keys.playbackToken(principal, id, body.ttlSeconds);
  }
}
