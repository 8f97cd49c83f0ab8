import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import type { FastifyReply } from 'fastify';
import { RecordingDto, RecordingPageDto, RecordingsFilterDto } from './dto/recordings.dto.js';
import { RecordingsService } from './recordings.service.js';

@ApiTags('recordings')
@Controller('api/v1/recordings')
export class RecordingsController {
  constructor(private readonly recordings: RecordingsService) {}

  @Access('sessions:read')
  @Get()
  @ApiOperation({ summary: 'Recordings, newest first (publishers: their own)', operationId: 'listRecordings' })
  @ApiOkResponse({ type: RecordingPageDto })
  list(@Query() filter: RecordingsFilterDto, @CurrentPrincipal() principal: Principal): Promise<RecordingPageDto> {
    return this.recordings.page(principal, filter);
  }

  @Access('sessions:read')
  @Get(':id')
  @ApiOperation({ summary: 'One recording', operationId: 'getRecording' })
  @ApiOkResponse({ type: RecordingDto })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<RecordingDto> {
    return this.recordings.get(principal, id);
  }

  @Access('sessions:read')
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
    const file = await this.recordings.download(principal, id);
    await reply
      .header('content-type', 'video/mp4')
      .header('content-length', String(file.size))
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .send(file.body);
  }

  @Access('recordings:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a recording and its stored objects (owner, moderator, admin)',
    operationId: 'deleteRecording',
  })
  @ApiNoContentResponse()
  remove(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.recordings.remove(principal, id);
  }
}
