import { HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { ROLE_SCOPES, isScope, type Principal, type Scope } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import type { UserEntity } from '@rapidrtmp/server-persistence';
import { PasswordHasher, UsersRepository } from '@rapidrtmp/server-users';
import { CredentialsRepository } from './credentials.repository.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { API_TOKEN_PREFIX, SESSION_TOKEN_PREFIX, newSecret, sameHash, sha256 } from './secrets.js';

const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** Last-seen / last-used timestamps are written at most this often per credential. */
const TOUCH_EVERY_MS = 60_000;

export interface IssuedSession {
  sessionId: string;
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserEntity;
}

/** Logs users in and turns presented credentials into a Principal. */
@Injectable()
export class AuthService {
  /** Verified against when the e-mail is unknown, so both failures take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
    private readonly config: AppConfig,
  ) {}

  get secureCookies(): boolean {
    return this.config.publicUrl.startsWith('https://');
  }

  async login(email: string, password: string, ip: string, userAgent: string | undefined): Promise<IssuedSession> {
    const wait = this.limiter.check(ip, email);
    if (wait > 0) {
      throw new HttpException(
        { message: `Too many login attempts. Try again in ${wait} seconds.`, retryAfterSeconds: wait },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const user = await this.users.findByEmail(email);
    this.dummyHash ??= this.hasher.hash(newSecret());
    const valid = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !valid || user.disabled) {
      this.limiter.recordFailure(email);
      // Same answer whether the e-mail exists, the password is wrong or the account is disabled.
      throw new UnauthorizedException('Invalid email or password.');
    }
    this.limiter.recordSuccess(email);
    const token = newSecret(SESSION_TOKEN_PREFIX);
    const csrfToken = newSecret();
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    const session = await this.credentials.createSession({
      userId: user.id,
      tokenHash: sha256(token),
      csrfHash: sha256(csrfToken),
      expiresAt,
      ip: ip.slice(0, 64),
      userAgent: userAgent?.slice(0, 300) ?? null,
    });
    return { sessionId: session.id, token, csrfToken, expiresAt, user };
  }

  /** Resolves a session token or API token; undefined when it is unknown, expired, revoked or its user disabled. */
  async authenticate(secret: string, fromCookie: boolean): Promise<(Principal & { csrfHash?: string }) | undefined> {
    if (secret.length > 200) return undefined;
    const now = new Date();
    if (secret.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.credentials.findSessionByHash(sha256(secret));
      if (!session || session.revokedAt || session.expiresAt <= now) return undefined;
      const user = await this.credentials.findUser(session.userId);
      if (!user || user.disabled) return undefined;
      if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS)
        void this.credentials.touchSession(session.id, now).catch(() => undefined);
      return {
        ...principalOf(user, 'session', ROLE_SCOPES[user.role], session.id, fromCookie),
        csrfHash: session.csrfHash,
      };
    }
    if (secret.startsWith(API_TOKEN_PREFIX) && !fromCookie) {
      const token = await this.credentials.findTokenByHash(sha256(secret));
      if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return undefined;
      const user = await this.credentials.findUser(token.ownerId);
      if (!user || user.disabled) return undefined;
      if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
        void this.credentials.touchToken(token.id, now).catch(() => undefined);
      }
      // A token never holds more than its owner's role allows today.
      const allowed = new Set(ROLE_SCOPES[user.role]);
      const scopes = token.scopes.filter((s): s is Scope => isScope(s) && allowed.has(s));
      return principalOf(user, 'api-token', scopes, token.id, false);
    }
    return undefined;
  }

  csrfMatches(csrfHash: string | undefined, presented: string | undefined): boolean {
    return Boolean(csrfHash && presented && presented.length < 200 && sameHash(csrfHash, sha256(presented)));
  }

  logout(principal: Principal): Promise<void> {
    return this.credentials.revokeSession(principal.credentialId);
  }

  revokeUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    return this.credentials.revokeUserSessions(userId, exceptSessionId);
  }
}

function principalOf(
  user: UserEntity,
  via: Principal['via'],
  scopes: readonly Scope[],
  credentialId: string,
  cookie: boolean,
): Principal {
  return {
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    via,
    scopes,
    credentialId,
    cookie,
  };
}
