import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generatePlaybackId, generateStreamKey } from '@rapidrtmp/server-stream-keys';

export interface SeededKey {
  userId: string;
  streamKeyId: string;
  key: string;
  playbackId: string;
}

/**
 * Inserts a publisher and a stream key straight into the server's PostgreSQL database, the way the
 * API stores them (key hashed). For tests and benchmarks that exercise ingest before or beside the REST API.
 */
export async function seedPublisher(
  databaseUrl: string,
  options: { email?: string; displayName?: string; label?: string; role?: string } = {},
): Promise<SeededKey> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const email = options.email ?? `publisher-${Date.now()}-${randomBytes(3).toString('hex')}@example.com`;
    const user = await client.query<{ id: string }>(
      `INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, $2, 'x', $3) RETURNING id`,
      [email, options.displayName ?? email.split('@')[0], options.role ?? 'publisher'],
    );
    const secret = generateStreamKey();
    const playbackId = generatePlaybackId();
    const key = await client.query<{ id: string }>(
      `INSERT INTO stream_keys (owner_id, label, key_hash, key_prefix, playback_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [user.rows[0]!.id, options.label ?? 'studio', secret.hash, secret.prefix, playbackId],
    );
    return { userId: user.rows[0]!.id, streamKeyId: key.rows[0]!.id, key: secret.key, playbackId };
  } finally {
    await client.end();
  }
}

/** Runs one query against the test database and returns its rows. */
export async function queryRows<T = Record<string, unknown>>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
