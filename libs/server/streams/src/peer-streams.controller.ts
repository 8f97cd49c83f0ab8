import { Controller, Get, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PeerGuard } from '@rapidrtmp/server-cluster';
import type { LiveStreamDetailDto, LiveStreamDto } from './dto/streams.dto.js';
import { StreamsService } from './streams.service.js';

/** What other nodes ask of this one to list and describe the streams published here (CLUSTER_SECRET). */
@ApiExcludeController()
@UseGuards(PeerGuard)
@Controller('internal/v1/streams')
export class PeerStreamsController {
  constructor(private readonly streams: StreamsService) {}

  @Get('live')
  live(): LiveStreamDto[] {
    return this.streams.localLive();
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): LiveStreamDetailDto {
    return this.streams.localDetail(id);
  }
}
