import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiTokenEntity, AuthSessionEntity } from '@rapidrtmp/server-persistence';
import { IsNull, type Repository } from 'typeorm';

export type NewApiToken = Pick<
  ApiTokenEntity,
  'ownerId' | 'label' | 'tokenHash' | 'tokenPrefix' | 'scopes' | 'expiresAt'
>;

/** The only code that touches auth_sessions and api_tokens. */
@Injectable()
export class CredentialsRepository {
  constructor(
    @InjectRepository(AuthSessionEntity) private readonly sessions: Repository<AuthSessionEntity>,
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
  ) {}

  createSession(
    values: Pick<AuthSessionEntity, 'userId' | 'tokenHash' | 'csrfHash' | 'expiresAt' | 'ip' | 'userAgent'>,
  ) {
    return this.sessions.save(this.sessions.create({ ...values, lastSeenAt: new Date() }));
  }

  findSessionByHash(tokenHash: string): Promise<AuthSessionEntity | null> {
    return this.sessions.findOne({ where: { tokenHash } });
  }

  findTokenByHash(tokenHash: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOne({ where: { tokenHash } });
  }

  findToken(id: string): Promise<ApiTokenEntity | null> {
    return this.tokens.findOne({ where: { id } });
  }

  /** A user's tokens, newest first (revoked and expired ones included). */
  listTokens(ownerId: string): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ where: { ownerId }, order: { createdAt: 'DESC' }, take: 1000 });
  }

  insertToken(values: NewApiToken): Promise<ApiTokenEntity> {
    return this.tokens.save(this.tokens.create(values));
  }

  async revokeToken(id: string, at: Date): Promise<void> {
    await this.tokens.update({ id }, { revokedAt: at });
  }

  /** Revokes every API token of a user that is not revoked yet (password change or reset, disable). */
  async revokeUserTokens(ownerId: string): Promise<void> {
    await this.tokens.update({ ownerId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  async touchSession(id: string, at: Date): Promise<void> {
    await this.sessions.update({ id }, { lastSeenAt: at });
  }

  async touchToken(id: string, at: Date): Promise<void> {
    await this.tokens.update({ id }, { lastUsedAt: at });
  }

  async revokeSession(id: string): Promise<void> {
    await this.sessions.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Ends every login of a user (password change, disable), optionally keeping one. */
  async revokeUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    const query = this.sessions
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (exceptSessionId) query.andWhere('id <> :exceptSessionId', { exceptSessionId });
    await query.execute();
  }
}
