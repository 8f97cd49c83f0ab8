import type { Principal } from './principal.js';
import { SCOPES, type Scope } from './scopes.js';

/**
 * Whose resources a role reaches; every role reaches its own.
 * - `others:read`: sees every user's stream keys, live streams, history and recordings (and, with
 *   `streams:write`, stops their streams and bans their keys);
 * - `others:write`: manages other users' stream keys and API tokens, and issues them for others (an API
 *   token only with `users:admin` as well: see `can`).
 */
export const CAPABILITIES = ['others:read', 'others:write'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface RoleDefinition {
  /** For people: the dashboard shows these (GET /api/v1/roles). */
  label: string;
  description: string;
  /** What a login of this role carries, and the most an API token of its users can hold. */
  scopes: readonly Scope[];
  capabilities: readonly Capability[];
}

/**
 * Every role and what it may do: the one place a role is defined. Routes ask for scopes (`@Access`),
 * services for capabilities (`can`); nothing else names a role. Adding one is an entry here plus its name
 * in the users_role_check constraint (a migration). Most powerful first: lists and messages keep this order.
 */
export const ROLE_TABLE = {
  admin: {
    label: 'Admin',
    description: 'Everything, including users and webhooks.',
    scopes: SCOPES,
    capabilities: ['others:read', 'others:write'],
  },
  moderator: {
    label: 'Moderator',
    description: 'Sees and stops every live stream, bans keys.',
    scopes: ['streams:read', 'streams:write', 'keys:read', 'sessions:read', 'recordings:write', 'tokens:write'],
    capabilities: ['others:read'],
  },
  publisher: {
    label: 'Publisher',
    description: 'Streams with their own keys; sees their own streams and history.',
    scopes: ['streams:read', 'keys:read', 'keys:write', 'sessions:read', 'recordings:write', 'tokens:write'],
    capabilities: [],
  },
} as const satisfies Record<string, RoleDefinition>;

export type Role = keyof typeof ROLE_TABLE;

export const ROLES = Object.keys(ROLE_TABLE) as Role[];

/** The role of the user created at first start (AdminBootstrapService): it can do everything. */
export const FIRST_USER_ROLE: Role = 'admin';

/** A request's caller as far as its reach goes: its role, and for an API token the scopes it holds. */
export type Reacher = Pick<Principal, 'role' | 'via' | 'scopes'>;

/**
 * What an API token must hold, besides its owner's role, to use a capability (a login has its role's reach).
 * Acting on other users' keys and tokens (`others:write`) needs `users:admin`: an admin's token for its own
 * keys (`keys:write`, `tokens:write`) is not an admin over everyone's. `others:read` needs nothing more: what
 * a moderator does to others (see, stop, ban, delete recordings) is already the route's scope
 * (`streams:write`, `recordings:write`).
 */
const TOKEN_SCOPE_FOR: Record<Capability, Scope | undefined> = {
  'others:read': undefined,
  'others:write': 'users:admin',
};

/**
 * Whether a role, or a request's caller, reaches that far. For a caller: its role's capability, and for an
 * API token also the scope the capability asks of tokens (TOKEN_SCOPE_FOR). The route's scopes are the guard's.
 */
export function can(who: Role | Reacher, capability: Capability): boolean {
  if (typeof who === 'string') return roleCapabilities(who).includes(capability);
  if (!roleCapabilities(who.role).includes(capability)) return false;
  const tokenScope = TOKEN_SCOPE_FOR[capability];
  return who.via === 'session' || tokenScope === undefined || who.scopes.includes(tokenScope);
}

export function roleCapabilities(role: Role): readonly Capability[] {
  return ROLE_TABLE[role].capabilities;
}

export function roleScopes(role: Role): readonly Scope[] {
  return ROLE_TABLE[role].scopes;
}

export function roleHasScope(role: Role, scope: Scope): boolean {
  return roleScopes(role).includes(scope);
}

/** The roles whose logins carry every one of `scopes` (every role for none), in table order. */
export function rolesWith(scopes: readonly Scope[]): Role[] {
  return ROLES.filter((role) => scopes.every((scope) => roleHasScope(role, scope)));
}
