import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiTokenEntity, AuthSessionEntity } from '@rapidrtmp/server-persistence';
import { IsNull, type Repository } from 'typeorm';

/** A token to store; `parentId` names the token that minted it (none: a login did). */
export type NewApiToken = Pick<
  ApiTokenEntity,
  'ownerId' | 'label' | 'tokenHash' | 'tokenPrefix' | 'scopes' | 'expiresAt'
> &
  Partial<Pick<ApiTokenEntity, 'parentId'>>;

/** Passes a revocation makes at most: each catches tokens minted under the family while the last one ran. */
const MAX_REVOKE_PASSES = 10;

/**
 * Revokes the tokens `roots` picks (a condition on api_tokens with $1) and every token they minted, down the
 * parent links, in one statement. A token revoked before keeps its first time.
 */
const REVOKE_WITH_DESCENDANTS = (roots: string) => `
  WITH RECURSIVE family AS (
    SELECT id FROM api_tokens WHERE ${roots}
    UNION
    SELECT child.id FROM api_tokens child JOIN family ON child.parent_token_id = family.id
  )
  UPDATE api_tokens SET revoked_at = $2 WHERE id IN (SELECT id FROM family) AND revoked_at IS NULL`;

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

  /**
   * Stores a token; one minted by a token only while that parent is not revoked (null otherwise). The parent
   * row is held FOR SHARE until the insert commits: a revocation running meanwhile waits, then catches the
   * child on its next pass (revokeFamily); one that committed first leaves no live parent to find here.
   */
  insertToken(values: NewApiToken): Promise<ApiTokenEntity | null> {
    return this.tokens.manager.transaction(async (manager) => {
      if (values.parentId) {
        const parent: unknown[] = await manager.query(
          `SELECT 1 FROM api_tokens WHERE id = $1 AND revoked_at IS NULL FOR SHARE`,
          [values.parentId],
        );
        if (!parent.length) return null;
      }
      return manager.save(manager.create(ApiTokenEntity, values));
    });
  }

  /** Revokes a token and every token minted from it (and from those), at `at`. */
  revokeToken(id: string, at: Date): Promise<void> {
    return this.revokeFamily('id = $1', id, at);
  }

  /**
   * Revokes every API token of a user (password change or reset, disable) and every token they minted,
   * whoever owns it (an admin's token with users:admin mints for others).
   */
  revokeUserTokens(ownerId: string): Promise<void> {
    return this.revokeFamily('owner_id = $1', ownerId, new Date());
  }

  /**
   * One transaction, passes until one revokes nothing: a token inserted under a family member that held it
   * FOR SHARE while a pass ran is not in that pass's snapshot, but in the next one's (usually the 2nd pass).
   */
  private async revokeFamily(roots: string, value: string, at: Date): Promise<void> {
    await this.tokens.manager.transaction(async ({ queryRunner }) => {
      if (!queryRunner) throw new Error('a transaction has a query runner');
      for (let pass = 0; pass < MAX_REVOKE_PASSES; pass++) {
        const { affected } = await queryRunner.query(REVOKE_WITH_DESCENDANTS(roots), [value, at], true);
        if (!affected) return;
      }
    });
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
