import type { Role, Schemas, Scope } from './api';

/** Whose resources a role reaches beyond its own (`others:read`, `others:write`). */
export type Capability = Schemas['RoleDto']['capabilities'][number];
/** A role as the server describes it (GET /api/v1/roles): label, description, scopes, capabilities. */
export type RoleInfo = Schemas['RoleDto'];

/**
 * What the signed-in user may do: a scope their login carries or a capability of their role. Pages and
 * actions ask this, never for a role by name, so a role added on the server needs no change here.
 */
export function can(me: Pick<Schemas['MeDto'], 'scopes' | 'capabilities'>, permission: Scope | Capability): boolean {
  return me.scopes.includes(permission) || (me.capabilities as string[]).includes(permission);
}

export function roleLabel(roles: readonly RoleInfo[], role: Role): string {
  return roles.find((r) => r.name === role)?.label ?? role;
}

/** The roles that hold a scope or capability, most powerful first. */
export function rolesHolding(roles: readonly RoleInfo[], permission: Scope | Capability): RoleInfo[] {
  return roles.filter((r) => can(r, permission));
}

/** Least powerful first, the order role pickers offer them in (the server lists the most powerful first). */
export function pickerOrder(roles: readonly RoleInfo[]): RoleInfo[] {
  return [...roles].reverse();
}

/** What each API token scope allows, for the token form. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'streams:read': 'Read live streams and their stats',
  'streams:write': 'Stop streams and ban keys',
  'keys:read': 'Read stream keys',
  'keys:write': 'Create, rename, regenerate and revoke stream keys',
  'sessions:read': 'Read stream history',
  'recordings:write': 'Delete recordings',
  'tokens:write': 'Manage API tokens',
  'users:admin': 'Manage users',
  'webhooks:admin': 'Manage webhooks',
};
