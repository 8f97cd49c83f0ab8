import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@rapidrtmp/server-access';
import { ApiTokensService } from './api-tokens.service.js';
import { ApiTokenDto, CreateApiTokenDto, CreatedApiTokenDto } from './dto/api-tokens.dto.js';

@ApiTags('api tokens')
@Controller('api/v1/api-tokens')
export class ApiTokensController {
  constructor(private readonly tokens: ApiTokensService) {}

  @Access('tokens:write')
  @Get()
  @ApiOperation({ summary: 'Your API tokens (admins: anyone’s with userId)', operationId: 'listApiTokens' })
  @ApiQuery({ name: 'userId', required: false })
  @ApiOkResponse({ type: [ApiTokenDto] })
  list(@CurrentPrincipal() principal: Principal, @Query('userId') userId?: string): Promise<ApiTokenDto[]> {
    return this.tokens.list(principal, userId);
  }

  @Access('tokens:write')
  @Post()
  @ApiOperation({
    summary: 'Create a scoped API token; the secret is in this response only',
    operationId: 'createApiToken',
  })
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  create(@Body() body: CreateApiTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiTokenDto> {
    return this.tokens.create(principal, body);
  }

  @Access('tokens:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token (it stops working at once)', operationId: 'revokeApiToken' })
  @ApiNoContentResponse()
  revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.tokens.revoke(principal, id);
  }
}
