import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import { SessionDto } from './dto/sessions.dto.js';
import { LiveStreamDetailDto, LiveStreamDto, StopStreamDto } from './dto/streams.dto.js';
import { StreamsService } from './streams.service.js';

@ApiTags('streams')
@Controller('api/v1/streams')
export class StreamsController {
  constructor(private readonly streams: StreamsService) {}

  @Access('streams:read')
  @Get('live')
  @ApiOperation({ summary: 'Live streams with their stats (publishers: their own)', operationId: 'listLiveStreams' })
  @ApiOkResponse({ type: [LiveStreamDto] })
  live(@CurrentPrincipal() principal: Principal): Promise<LiveStreamDto[]> {
    return this.streams.live(principal);
  }

  @Access('streams:read')
  @Get(':id')
  @ApiOperation({ summary: 'A live stream with its last five minutes of ingest', operationId: 'getLiveStream' })
  @ApiOkResponse({ type: LiveStreamDetailDto })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<LiveStreamDetailDto> {
    return this.streams.get(principal, id);
  }

  @Access('streams:write')
  @Post(':id/stop')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Stop a live stream: the publisher is disconnected, the playlist ends; optionally ban the key',
    operationId: 'stopStream',
  })
  @ApiOkResponse({ type: SessionDto })
  stop(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: StopStreamDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SessionDto> {
    return this.streams.stop(principal, id, body);
  }
}
