/** What an API token may do; a session (dashboard login) carries every scope its role allows (ROLE_TABLE). */
export const SCOPES = [
  'streams:read',
  'streams:write',
  'keys:read',
  'keys:write',
  'sessions:read',
  'recordings:write',
  'tokens:write',
  'users:admin',
  'webhooks:admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}
