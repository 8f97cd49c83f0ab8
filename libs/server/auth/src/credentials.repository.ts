import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiTokenEntity, AuthSessionEntity, UserEntity } from '@rapidrtmp/server-persistence';
import { IsNull, type Repository } from 'typeorm';

/** The only code that touches auth_sessions and api_tokens. */
@Injectable()
export class CredentialsRepository {
  constructor(
    @InjectRepository(AuthSessionEntity) private readonly sessions: Repository<AuthSessionEntity>,
    @InjectRepository(ApiTokenEntity) readonly tokens: Repository<ApiTokenEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
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

  findUser(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
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
