import type { EndReason } from '@rapidrtmp/server-domain';

/**
 * What a change to an account means beyond this lib. The auth and streams libs build on this one (they
 * read users), so it cannot import them: they bind these to their AuthService and StreamControl.
 */
export abstract class UserSessions {
  /** Ends every login of a user, optionally keeping one (the caller's own, on a password change). */
  abstract revokeUserSessions(userId: string, exceptSessionId?: string): Promise<void>;
  /** Revokes every API token of a user (a password reset or disable must not leave them working). */
  abstract revokeUserTokens(userId: string): Promise<void>;
}

export abstract class UserStreams {
  /** Stops every live stream of a user; returns how many. */
  abstract stopUser(userId: string, reason: EndReason, by: string | null): number;
}
