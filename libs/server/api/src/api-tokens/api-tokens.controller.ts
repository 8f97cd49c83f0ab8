import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  ParseUUIDPipe,
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
import { ALL_ROLES, Access, CurrentPrincipal, ROLE_SCOPES, type Principal } from '@rapidrtmp/server-access';
import { API_TOKEN_PREFIX, CredentialsRepository, displayPrefix, newSecret, sha256 } from '@rapidrtmp/server-auth';
import { AuditLog, type ApiTokenEntity } from '@rapidrtmp/server-persistence';
import { UsersRepository } from '@rapidrtmp/server-users';
import { ApiTokenDto, CreateApiTokenDto, CreatedApiTokenDto } from './api-tokens.dto.js';

@ApiTags('api tokens')
@Controller('api/v1/api-tokens')
export class ApiTokensController {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditLog,
  ) {}

  @Access(ALL_ROLES, 'tokens:write')
  @Get()
  @ApiOperation({ summary: 'Your API tokens (admins: anyone’s with userId)', operationId: 'listApiTokens' })
  @ApiQuery({ name: 'userId', required: false })
  @ApiOkResponse({ type: [ApiTokenDto] })
  async list(@CurrentPrincipal() principal: Principal, @Query('userId') userId?: string): Promise<ApiTokenDto[]> {
    const ownerId = principal.role === 'admin' && userId ? userId : principal.userId;
    const tokens = await this.credentials.tokens.find({ where: { ownerId }, order: { createdAt: 'DESC' }, take: 1000 });
    return tokens.map(toDto);
  }

  @Access(ALL_ROLES, 'tokens:write')
  @Post()
  @ApiOperation({
    summary: 'Create a scoped API token; the secret is in this response only',
    operationId: 'createApiToken',
  })
  @ApiCreatedResponse({ type: CreatedApiTokenDto })
  async create(@Body() body: CreateApiTokenDto, @CurrentPrincipal() principal: Principal): Promise<CreatedApiTokenDto> {
    const ownerId = body.userId ?? principal.userId;
    if (ownerId !== principal.userId && principal.role !== 'admin')
      throw new ForbiddenException('Only admins issue tokens for other users.');
    const owner = await this.users.findById(ownerId);
    if (!owner) throw new NotFoundException('No such user.');
    const beyondRole = body.scopes.filter((s) => !ROLE_SCOPES[owner.role].includes(s));
    if (beyondRole.length) throw new BadRequestException(`A ${owner.role} cannot hold scope ${beyondRole.join(', ')}.`);
    const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new BadRequestException('expiresAt must be in the future.');
    const token = newSecret(API_TOKEN_PREFIX);
    const saved = await this.credentials.tokens.save(
      this.credentials.tokens.create({
        ownerId,
        label: body.label,
        tokenHash: sha256(token),
        tokenPrefix: displayPrefix(token),
        scopes: [...new Set(body.scopes)],
        expiresAt,
      }),
    );
    await this.audit.record({
      actorId: principal.userId,
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: saved.id,
      details: { ownerId, scopes: saved.scopes },
    });
    return { ...toDto(saved), token };
  }

  @Access(ALL_ROLES, 'tokens:write')
  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API token (it stops working at once)', operationId: 'revokeApiToken' })
  @ApiNoContentResponse()
  async revoke(@Param('id', ParseUUIDPipe) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    const token = await this.credentials.tokens.findOne({ where: { id } });
    if (!token || (token.ownerId !== principal.userId && principal.role !== 'admin'))
      throw new NotFoundException('No such token.');
    if (!token.revokedAt) await this.credentials.tokens.update({ id }, { revokedAt: new Date() });
    await this.audit.record({
      actorId: principal.userId,
      action: 'api_token.revoked',
      targetType: 'api_token',
      targetId: id,
    });
  }
}

function toDto(token: ApiTokenEntity): ApiTokenDto {
  return {
    id: token.id,
    label: token.label,
    tokenPrefix: token.tokenPrefix,
    ownerId: token.ownerId,
    scopes: token.scopes,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    lastUsedAt: token.lastUsedAt,
    createdAt: token.createdAt,
  };
}
