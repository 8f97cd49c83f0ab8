// A throwaway PostgreSQL database per run, seeded with publishers the way the API stores them.
import { createTestDatabase } from '@rapidrtmp/server-persistence/testing';
import { type SeededKey, seedPublisher } from '@rapidrtmp/test-support';
import type { Cleanup } from './bench-lifecycle.js';

export type { SeededKey };

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates an empty database (dropped by `cleanup`) and returns its URL. */
export async function createDatabase(cleanup: Cleanup, prefix = 'rr_bench'): Promise<string> {
  const database = await createTestDatabase(prefix, POSTGRES_URL);
  cleanup.add(`database ${database.name}`, () => database.drop());
  return database.url;
}

/** N publishers with one stream key each, inserted the way the API stores them (key hashed). */
export async function seedPublishers(databaseUrl: string, count: number): Promise<SeededKey[]> {
  const seeded: SeededKey[] = [];
  for (let i = 0; i < count; i++)
    seeded.push(await seedPublisher(databaseUrl, { displayName: `bench ${i}`, label: `bench ${i}` }));
  return seeded;
}
