import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import { SessionDto, SessionPageDto, SessionsFilterDto } from './dto/sessions.dto.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('history')
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Access('sessions:read')
  @Get()
  @ApiOperation({ summary: 'Stream history, newest first (publishers: their own)', operationId: 'listSessions' })
  @ApiOkResponse({ type: SessionPageDto })
  list(@Query() filter: SessionsFilterDto, @CurrentPrincipal() principal: Principal): Promise<SessionPageDto> {
    return this.sessions.page(principal, filter);
  }

  @Access('sessions:read')
  @Get(':id')
  @ApiOperation({ summary: 'One stream session', operationId: 'getSession' })
  @ApiOkResponse({ type: SessionDto })
  get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<SessionDto> {
    return this.sessions.get(principal, id);
  }
}
