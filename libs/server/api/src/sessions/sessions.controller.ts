import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ALL_ROLES, Access, CurrentPrincipal, canSeeAllOf, type Principal } from '@rapidrtmp/server-access';
import { SessionDto, SessionPageDto, SessionsFilterDto } from './sessions.dto.js';
import { SessionsQuery } from './sessions.query.js';

@ApiTags('history')
@Controller('api/v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsQuery) {}

  @Access(ALL_ROLES, 'sessions:read')
  @Get()
  @ApiOperation({ summary: 'Stream history, newest first (publishers: their own)', operationId: 'listSessions' })
  @ApiOkResponse({ type: SessionPageDto })
  list(@Query() filter: SessionsFilterDto, @CurrentPrincipal() principal: Principal): Promise<SessionPageDto> {
    return this.sessions.page(filter, canSeeAllOf(principal) ? undefined : principal.userId);
  }

  @Access(ALL_ROLES, 'sessions:read')
  @Get(':id')
  @ApiOperation({ summary: 'One stream session', operationId: 'getSession' })
  @ApiOkResponse({ type: SessionDto })
  async get(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<SessionDto> {
    const session = await this.sessions.one(id);
    if (!session || (!canSeeAllOf(principal) && session.owner?.id !== principal.userId))
      throw new NotFoundException('No such session.');
    return session;
  }
}
