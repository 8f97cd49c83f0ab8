import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import { CreatePushTargetDto, PushTargetDto, UpdatePushTargetDto } from './dto/push-targets.dto.js';
import { MAX_PUSH_TARGETS_PER_KEY, PushTargetsService } from './push-targets.service.js';

const REFUSED_HOST = {
  description:
    'Invalid body, or the URL’s host is a literal internal address the outbound policy refuses (the body names ' +
    'the rule and the address; OUTBOUND_ALLOW_CIDRS can allow internal ranges)',
};

@ApiTags('stream keys')
@Controller('api/v1/stream-keys/:id/push-targets')
export class PushTargetsController {
  constructor(private readonly targets: PushTargetsService) {}

  @Access('keys:read')
  @Get()
  @ApiOperation({
    summary: 'Restream targets of a key, with where each push stands (never their stream keys)',
    operationId: 'listPushTargets',
  })
  @ApiOkResponse({ type: [PushTargetDto] })
  list(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<PushTargetDto[]> {
    return this.targets.list(principal, id);
  }

  @Access('keys:write')
  @Post()
  @ApiOperation({
    summary: `Add a restream target (at most ${MAX_PUSH_TARGETS_PER_KEY} per key); a live stream starts pushing to it within seconds`,
    operationId: 'createPushTarget',
    description:
      'While the key is live, the server publishes its stream to every enabled target as an RTMP(S) client, ' +
      'from the latest keyframe on, and reconnects with backoff when a target drops. The stream key is stored ' +
      'encrypted and never returned.',
  })
  @ApiCreatedResponse({ type: PushTargetDto })
  @ApiBadRequestResponse(REFUSED_HOST)
  @ApiConflictResponse({ description: `The key already has ${MAX_PUSH_TARGETS_PER_KEY} targets` })
  create(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreatePushTargetDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PushTargetDto> {
    return this.targets.create(principal, id, body);
  }

  @Access('keys:write')
  @Patch(':targetId')
  @ApiOperation({
    summary: 'Rename, re-point, re-key, enable or disable a restream target; a live push follows within seconds',
    operationId: 'updatePushTarget',
  })
  @ApiOkResponse({ type: PushTargetDto })
  @ApiBadRequestResponse(REFUSED_HOST)
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('targetId', ParseUUIDPipe) targetId: string,
    @Body() body: UpdatePushTargetDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<PushTargetDto> {
    return this.targets.update(principal, id, targetId, body);
  }

  @Access('keys:write')
  @Delete(':targetId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a restream target; a live push to it stops', operationId: 'deletePushTarget' })
  @ApiNoContentResponse()
  delete(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('targetId', ParseUUIDPipe) targetId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    return this.targets.delete(principal, id, targetId);
  }
}
