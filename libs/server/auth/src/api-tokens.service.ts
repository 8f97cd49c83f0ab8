import {
  BadRequestException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { can, roleHasScope, type Principal } from '@rapidrtmp/server-access';
import { AuditLog } from '@rapidrtmp/server-persistence';
import { UsersRepository } from '@rapidrtmp/server-users';
import { CredentialsRepository } from './credentials.repository.js';
import {
  type ApiTokenDto,
  type CreateApiTokenDto,
  type CreatedApiTokenDto,
  toApiTokenDto,
} from './dto/api-tokens.dto.js';
import { API_TOKEN_PREFIX, displayPrefix, newSecret, sha256 } from './secrets.js';

/**
 * Scoped API tokens: a user manages their own (admins anyone's; an admin's token only with users:admin, see `can`). A token never holds a scope its owner's
 * role lacks, and a token creating a token hands on no more than it holds itself; its secret is shown once,
 * at creation, and only its hash is stored. A token minted by a token is revoked with it.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditLog,
  ) {}

  /** The caller's tokens; an admin may name another user. */
  async list(principal: Principal, userId?: string): Promise<ApiTokenDto[]> {
    const ownerId = can(principal, 'others:write') && userId ? userId : principal.userId;
    return (await this.credentials.listTokens(ownerId)).map(toApiTokenDto);
  }

  async create(principal: Principal, input: CreateApiTokenDto): Promise<CreatedApiTokenDto> {
    const ownerId = input.userId ?? principal.userId;
    if (ownerId !== principal.userId && !can(principal, 'others:write'))
      throw new ForbiddenException(
        principal.via === 'api-token'
          ? 'Only a token with scope users:admin issues tokens for other users.'
          : 'Only admins issue tokens for other users.',
      );
    // A token mints no token stronger than itself (its owner's role may allow more than it holds).
    const beyondToken = principal.via === 'api-token' ? input.scopes.filter((s) => !principal.scopes.includes(s)) : [];
    if (beyondToken.length) throw new ForbiddenException(`The token lacks scope ${beyondToken.join(', ')}.`);
    const owner = await this.users.findById(ownerId);
    if (!owner) throw new NotFoundException('No such user.');
    const beyondRole = input.scopes.filter((s) => !roleHasScope(owner.role, s));
    if (beyondRole.length) throw new BadRequestException(`A ${owner.role} cannot hold scope ${beyondRole.join(', ')}.`);
    const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now())
      throw new BadRequestException('expiresAt must be in the future.');
    const token = newSecret(API_TOKEN_PREFIX);
    const saved = await this.credentials.insertToken({
      ownerId,
      // Revoking the minting token revokes this one too.
      parentId: principal.via === 'api-token' ? principal.credentialId : null,
      label: input.label,
      tokenHash: sha256(token),
      tokenPrefix: displayPrefix(token),
      scopes: [...new Set(input.scopes)],
      expiresAt,
    });
    if (!saved) throw new UnauthorizedException('The token was revoked.');
    await this.audit.record({
      actorId: principal.userId,
      action: 'api_token.created',
      targetType: 'api_token',
      targetId: saved.id,
      details: { ownerId, scopes: saved.scopes },
    });
    return { ...toApiTokenDto(saved), token };
  }

  /**
   * Revokes the token and every token minted from it, down the line. Someone else's token is "not found"
   * unless the caller is an admin; revoking twice keeps the first time (and still reaches descendants).
   */
  async revoke(principal: Principal, id: string): Promise<void> {
    const token = await this.credentials.findToken(id);
    if (!token || (token.ownerId !== principal.userId && !can(principal, 'others:write')))
      throw new NotFoundException('No such token.');
    await this.credentials.revokeToken(id, new Date());
    await this.audit.record({
      actorId: principal.userId,
      action: 'api_token.revoked',
      targetType: 'api_token',
      targetId: id,
    });
  }
}
