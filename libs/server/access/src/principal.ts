import type { FastifyRequest } from 'fastify';
import type { Role } from './roles.js';
import type { Scope } from './scopes.js';

/** The authenticated caller of a request. */
export interface Principal {
  userId: string;
  email: string;
  displayName: string | null;
  role: Role;
  /** `session`: dashboard login (cookie or its bearer token); `api-token`: an integrator's token. */
  via: 'session' | 'api-token';
  scopes: readonly Scope[];
  /** The auth session or API token id, for logout and audit. */
  credentialId: string;
  /** Authenticated by cookie: unsafe methods must carry the CSRF header. */
  cookie: boolean;
}

export type AuthenticatedRequest = FastifyRequest & { principal?: Principal };
