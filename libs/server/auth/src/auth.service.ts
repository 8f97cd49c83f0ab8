import { ForbiddenException, HttpException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { isScope, roleCapabilities, roleScopes, type Principal, type Scope } from '@rapidrtmp/server-access';
import { AppConfig } from '@rapidrtmp/server-config';
import { AuditLog, type UserEntity } from '@rapidrtmp/server-persistence';
import { PasswordHasher, UserSessions, UsersRepository, toUserDto } from '@rapidrtmp/server-users';
import { CSRF_COOKIE, SESSION_COOKIE, serializeCookie } from './cookies.js';
import { CredentialsRepository } from './credentials.repository.js';
import type { LoginResponseDto, MeDto } from './dto/auth.dto.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { API_TOKEN_PREFIX, SESSION_TOKEN_PREFIX, newSecret, sameHash, sha256 } from './secrets.js';

const SESSION_TTL_MS = 7 * 24 * 3600_000;
/** Last-seen / last-used timestamps are written at most this often per credential. */
const TOUCH_EVERY_MS = 60_000;

/** What a login answers: the body, and the session and CSRF cookies to set. */
export interface SignedIn {
  body: LoginResponseDto;
  cookies: string[];
}

/**
 * Logs users in and out, turns presented credentials into a Principal, and changes a user's own password.
 * Bound as the users lib's UserSessions: account changes there end logins here.
 */
@Injectable()
export class AuthService implements UserSessions {
  /** Verified against when the e-mail is unknown, so both failures take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly credentials: CredentialsRepository,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
  ) {}

  /** Rate-limited (see LoginRateLimiter); the same 401 for an unknown e-mail, a wrong password or a disabled account. */
  async login(
    email: string,
    password: string,
    ip: string,
    userAgent: string | undefined,
    bearer = false,
  ): Promise<SignedIn> {
    await this.throttle(ip, email);
    const user = await this.users.findByEmail(email);
    this.dummyHash ??= this.hasher.hash(newSecret());
    const valid = await this.hasher.verify(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !valid || user.disabled) {
      await this.limiter.recordFailure(ip, email);
      // Same answer whether the e-mail exists, the password is wrong or the account is disabled.
      throw new UnauthorizedException('Invalid email or password.');
    }
    await this.limiter.recordSuccess(ip, email);
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
    const cookies = this.cookies(token, csrfToken, (session.expiresAt.getTime() - Date.now()) / 1000);
    await this.audit.record({
      actorId: user.id,
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      details: { ip },
    });
    // The token goes in the JSON only to clients that asked (no cookie jar): a browser's is the httpOnly cookie.
    const body = { csrfToken, expiresAt, user: toUserDto(user) };
    return { body: bearer ? { accessToken: token, ...body } : body, cookies };
  }

  /** Resolves a session token or API token; undefined when it is unknown, expired, revoked or its user disabled. */
  async authenticate(secret: string, fromCookie: boolean): Promise<(Principal & { csrfHash?: string }) | undefined> {
    if (secret.length > 200) return undefined;
    const now = new Date();
    if (secret.startsWith(SESSION_TOKEN_PREFIX)) {
      const session = await this.credentials.findSessionByHash(sha256(secret));
      if (!session || session.revokedAt || session.expiresAt <= now) return undefined;
      const user = await this.users.findById(session.userId);
      if (!user || user.disabled) return undefined;
      if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS)
        void this.credentials.touchSession(session.id, now).catch(() => undefined);
      return {
        ...principalOf(user, 'session', roleScopes(user.role), session.id, fromCookie),
        csrfHash: session.csrfHash,
      };
    }
    if (secret.startsWith(API_TOKEN_PREFIX) && !fromCookie) {
      const token = await this.credentials.findTokenByHash(sha256(secret));
      if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return undefined;
      const user = await this.users.findById(token.ownerId);
      if (!user || user.disabled) return undefined;
      if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
        void this.credentials.touchToken(token.id, now).catch(() => undefined);
      }
      // A token never holds more than its owner's role allows today.
      const allowed = new Set(roleScopes(user.role));
      const scopes = token.scopes.filter((s): s is Scope => isScope(s) && allowed.has(s));
      return principalOf(user, 'api-token', scopes, token.id, false);
    }
    return undefined;
  }

  csrfMatches(csrfHash: string | undefined, presented: string | undefined): boolean {
    return Boolean(csrfHash && presented && presented.length < 200 && sameHash(csrfHash, sha256(presented)));
  }

  /** Ends the caller's login session (an API token stays valid) and returns the cookies that clear it. */
  async logout(principal: Principal): Promise<string[]> {
    if (principal.via === 'session') await this.credentials.revokeSession(principal.credentialId);
    return this.cookies('', '', 0);
  }

  async me(principal: Principal): Promise<MeDto> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new UnauthorizedException();
    return {
      ...toUserDto(user),
      authenticatedVia: principal.via,
      scopes: [...principal.scopes],
      capabilities: [...roleCapabilities(user.role)],
    };
  }

  /**
   * Needs a login session (an API token, which may be a script's or leaked, cannot take over the account) and
   * the current password, checked under the login limits (a stolen session must not become a password
   * oracle); the user's other login sessions end and every API token of theirs is revoked.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string, ip: string): Promise<void> {
    if (principal.via !== 'session') {
      throw new ForbiddenException('Changing your password needs a login session; an API token cannot do it.');
    }
    await this.throttle(ip, principal.email, false);
    const user = await this.users.findById(principal.userId);
    if (!user || !(await this.hasher.verify(user.passwordHash, currentPassword))) {
      await this.limiter.recordFailure(ip, principal.email);
      throw new UnauthorizedException('The current password is wrong.');
    }
    await this.limiter.recordSuccess(ip, principal.email);
    await this.users.update(user.id, { passwordHash: await this.hasher.hash(newPassword) });
    await this.revokeUserSessions(user.id, principal.via === 'session' ? principal.credentialId : undefined);
    await this.revokeUserTokens(user.id);
    await this.audit.record({
      actorId: user.id,
      action: 'user.password_changed',
      targetType: 'user',
      targetId: user.id,
    });
  }

  revokeUserSessions(userId: string, exceptSessionId?: string): Promise<void> {
    return this.credentials.revokeUserSessions(userId, exceptSessionId);
  }

  revokeUserTokens(userId: string): Promise<void> {
    return this.credentials.revokeUserTokens(userId);
  }

  /** 429 with the wait when the login limits hold this address or account back. */
  private async throttle(ip: string, email: string, countAttempt = true): Promise<void> {
    const wait = await this.limiter.check(ip, email, { countAttempt });
    if (wait > 0) {
      throw new HttpException(
        { message: `Too many login attempts. Try again in ${wait} seconds.`, retryAfterSeconds: wait },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  /** The session cookie (httpOnly) and the CSRF cookie the dashboard's script reads; `Secure` behind https. */
  private cookies(session: string, csrf: string, maxAgeSeconds: number): string[] {
    const secure = this.config.publicUrl.startsWith('https://');
    return [
      serializeCookie(SESSION_COOKIE, session, { maxAgeSeconds, httpOnly: true, secure }),
      serializeCookie(CSRF_COOKIE, csrf, { maxAgeSeconds, httpOnly: false, secure }),
    ];
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
