// A throwaway PostgreSQL database per run, seeded with publishers the way the API stores them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { generatePlaybackId, generateStreamKey } from '@rapidrtmp/server-stream-keys';
import type { Cleanup } from './bench-lifecycle.js';

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface SeededKey {
  key: string;
  playbackId: string;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database (dropped by `cleanup`) and returns its URL. */
export async function createDatabase(cleanup: Cleanup, prefix = 'rr_bench'): Promise<string> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  cleanup.add(`database ${name}`, () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** N publishers with one stream key each, inserted the way the API stores them (key hashed). */
export async function seedPublishers(databaseUrl: string, count: number): Promise<SeededKey[]> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const seeded: SeededKey[] = [];
    for (let i = 0; i < count; i++) {
      const email = `bench-${i}-${randomBytes(3).toString('hex')}@example.com`;
      const user = await client.query<{ id: string }>(
        `INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, $2, 'x', 'publisher') RETURNING id`,
        [email, `bench ${i}`],
      );
      const secret = generateStreamKey();
      const playbackId = generatePlaybackId();
      await client.query(
        `INSERT INTO stream_keys (owner_id, label, key_hash, key_prefix, playback_id) VALUES ($1, $2, $3, $4, $5)`,
        [user.rows[0].id, `bench ${i}`, secret.hash, secret.prefix, playbackId],
      );
      seeded.push({ key: secret.key, playbackId });
    }
    return seeded;
  } finally {
    await client.end();
  }
}
