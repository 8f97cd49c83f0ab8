import type { Principal } from '../principal.js';
import { roleScopes, type Role } from '../roles.js';

/** A signed-in user of `role` (a dashboard session carrying every scope of the role), for service specs. */
export function principalOf(role: Role, userId = `${role}-id`, overrides: Partial<Principal> = {}): Principal {
  return {
    userId,
    email: `${userId}@example.com`,
    displayName: null,
    role,
    via: 'session',
    scopes: roleScopes(role),
    credentialId: `session-of-${userId}`,
    cookie: false,
    ...overrides,
  };
}
