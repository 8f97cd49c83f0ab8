import type { UserRole } from '@rapidrtmp/server-persistence';
import type { FastifyRequest } from 'fastify';
import type { Scope } from './scopes.js';

/** The authenticated caller of a request. */
export interface Principal {
  userId: string;
  email: string;
  displayName: string | null;
  role: UserRole;
  /** `session`: dashboard login (cookie or its bearer token); `api-token`: an integrator's token. */
  via: 'session' | 'api-token';
  scopes: readonly Scope[];
  /** The auth session or API token id, for logout and audit. */
  credentialId: string;
  /** Authenticated by cookie: unsafe methods must carry the CSRF header. */
  cookie: boolean;
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };

/** What a route's owner check needs: admins and moderators see everything, publishers their own. */
export function canSeeAllOf(principal: Principal): boolean {
  return principal.role === 'admin' || principal.role === 'moderator';
}
