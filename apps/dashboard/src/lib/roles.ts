import type { Role, Scope } from './api';

export const ROLES: Role[] = ['publisher', 'moderator', 'admin'];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Admin',
  moderator: 'Moderator',
  publisher: 'Publisher',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  publisher: 'Streams with their own keys; sees their own streams and history.',
  moderator: 'Sees and stops every live stream, bans keys.',
  admin: 'Everything, including users and webhooks.',
};

export const isStaff = (role: Role) => role === 'admin' || role === 'moderator';

/** What each API token scope allows, for the token form. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  'streams:read': 'Read live streams and their stats',
  'streams:write': 'Stop streams and ban keys',
  'keys:read': 'Read stream keys',
  'keys:write': 'Create, rename, regenerate and revoke stream keys',
  'sessions:read': 'Read stream history',
  'tokens:write': 'Manage API tokens',
  'users:admin': 'Manage users',
  'webhooks:admin': 'Manage webhooks',
};
