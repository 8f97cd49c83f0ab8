import type { UserRole } from '@rapidrtmp/server-persistence';

/** What an API token may do; a session (dashboard login) carries every scope its role allows. */
export const SCOPES = [
  'streams:read',
  'streams:write',
  'keys:read',
  'keys:write',
  'sessions:read',
  'tokens:write',
  'users:admin',
  'webhooks:admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** The scopes a role can hold at all: a token never grants more than its owner's role. */
export const ROLE_SCOPES: Record<UserRole, readonly Scope[]> = {
  admin: SCOPES,
  moderator: ['streams:read', 'streams:write', 'keys:read', 'sessions:read', 'tokens:write'],
  publisher: ['streams:read', 'keys:read', 'keys:write', 'sessions:read', 'tokens:write'],
};
