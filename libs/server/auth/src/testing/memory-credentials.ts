import type { ApiTokenEntity, AuthSessionEntity, UserEntity } from '@rapidrtmp/server-persistence';
import type { UsersRepository } from '@rapidrtmp/server-users';
import type { CredentialsRepository } from '../credentials.repository.js';

/** Every public member of a class: what a fake must provide (a class type with private fields cannot be). */
type PublicOf<T> = { [K in keyof T]: T[K] };

/** auth_sessions and api_tokens in memory, for the auth service specs. */
export function memoryCredentials() {
  const sessions = new Map<string, AuthSessionEntity>();
  const tokens = new Map<string, ApiTokenEntity>();
  let next = 0;
  const repository = {
    async createSession(values) {
      const now = new Date();
      const session = { ...values, id: `session-${++next}`, createdAt: now, lastSeenAt: now, revokedAt: null };
      sessions.set(session.id, session);
      return { ...session };
    },
    async findSessionByHash(tokenHash) {
      return [...sessions.values()].find((s) => s.tokenHash === tokenHash) ?? null;
    },
    async findTokenByHash(tokenHash) {
      return [...tokens.values()].find((t) => t.tokenHash === tokenHash) ?? null;
    },
    async findToken(id) {
      return tokens.get(id) ?? null;
    },
    async listTokens(ownerId) {
      return [...tokens.values()].filter((t) => t.ownerId === ownerId);
    },
    async insertToken(values) {
      if (values.parentId && tokens.get(values.parentId)?.revokedAt !== null) return null;
      const token = {
        ...values,
        parentId: values.parentId ?? null,
        id: `token-${++next}`,
        revokedAt: null,
        lastUsedAt: null,
        createdAt: new Date(),
      };
      tokens.set(token.id, token);
      return { ...token };
    },
    async revokeToken(id, at) {
      revokeFamily((t) => t.id === id, at);
    },
    async revokeUserTokens(ownerId) {
      revokeFamily((t) => t.ownerId === ownerId, new Date());
    },
    async touchSession(id, at) {
      sessions.get(id)!.lastSeenAt = at;
    },
    async touchToken(id, at) {
      tokens.get(id)!.lastUsedAt = at;
    },
    async revokeSession(id) {
      const session = sessions.get(id);
      if (session && !session.revokedAt) session.revokedAt = new Date();
    },
    async revokeUserSessions(userId, exceptSessionId) {
      for (const session of sessions.values())
        if (session.userId === userId && !session.revokedAt && session.id !== exceptSessionId)
          session.revokedAt = new Date();
    },
  } satisfies PublicOf<CredentialsRepository>;
  /** As the table does: the picked tokens and their descendants, the first revocation time kept. */
  function revokeFamily(isRoot: (token: ApiTokenEntity) => boolean, at: Date) {
    const family = new Set([...tokens.values()].filter(isRoot).map((t) => t.id));
    let grew = true;
    while (grew) {
      grew = false;
      for (const token of tokens.values()) {
        if (!token.parentId || !family.has(token.parentId) || family.has(token.id)) continue;
        family.add(token.id);
        grew = true;
      }
    }
    for (const id of family) tokens.get(id)!.revokedAt ??= at;
  }
  return { repository: repository as unknown as CredentialsRepository, sessions, tokens };
}

/** The users table in memory: a publisher, a moderator and an admin (password `<role> password`). */
export function memoryUsers() {
  const rows = new Map<string, UserEntity>();
  for (const role of ['publisher', 'moderator', 'admin'] as const) {
    rows.set(role, {
      id: role,
      email: `${role}@example.com`,
      displayName: null,
      passwordHash: `hashed:${role} password`,
      role,
      disabled: false,
      createdAt: new Date(0),
      updatedAt: new Date(0),
    });
  }
  const repository = {
    async findById(id) {
      return rows.get(id) ?? null;
    },
    async findByEmail(email) {
      return [...rows.values()].find((u) => u.email === email.toLowerCase()) ?? null;
    },
    async update(id, values) {
      Object.assign(rows.get(id)!, values);
    },
  } satisfies Partial<UsersRepository>;
  return { repository: repository as unknown as UsersRepository, rows };
}
