import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from './migrations/index.js';

/** Where servers before the embedded PostgreSQL kept their PGlite database. */
export function legacyPgliteDir(dataDir: string): string {
  return join(dataDir, 'db');
}

/** True when DATA_DIR still holds a PGlite database that has not been imported. */
export function hasLegacyPgliteDatabase(dataDir: string): boolean {
  return existsSync(join(legacyPgliteDir(dataDir), 'PG_VERSION'));
}

export interface LegacyImportResult {
  rows: Record<string, number>;
  /** Where the PGlite files were moved once imported. */
  keptAt: string;
}

interface LegacyDatabase {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

/**
 * Copies a PGlite database (DATA_DIR/db, the embedded default before the embedded PostgreSQL) into the
 * empty embedded PostgreSQL `target`: the schema is brought to the version the PGlite database was at,
 * every table is copied row for row in one transaction (checked by count), the remaining migrations run
 * later as usual, and the PGlite files are moved aside, not deleted. A failure leaves the PGlite files
 * as they were and the target empty, so the next start tries again.
 */
export async function importLegacyPglite(dataDir: string, target: DataSourceOptions): Promise<LegacyImportResult> {
  const source = legacyPgliteDir(dataDir);
  const { PGlite } = await import('@electric-sql/pglite');
  const legacy: LegacyDatabase = await PGlite.create({ dataDir: source });
  try {
    const applied = await appliedMigrations(legacy);
    const known = new Map(MIGRATIONS.map((migration) => [new migration().name ?? migration.name, migration]));
    const unknown = applied.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `it was written by a newer RapidRTMP (migrations ${unknown.join(', ')}); start that version instead`,
      );
    }
    await resetIfEmpty(target);
    const migrations = applied.map((name) => known.get(name)).filter((migration) => migration !== undefined);
    const schema = new DataSource({ ...target, migrations });
    await schema.initialize();
    try {
      await schema.runMigrations({ transaction: 'all' });
      const rows = await copyTables(legacy, schema);
      await legacy.close();
      const keptAt = `${source}.pglite-imported`;
      renameSync(source, keptAt);
      return { rows, keptAt };
    } catch (error) {
      await schema.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public').catch(() => undefined);
      throw error;
    } finally {
      await schema.destroy();
    }
  } finally {
    await legacy.close().catch(() => undefined);
  }
}

async function appliedMigrations(legacy: LegacyDatabase): Promise<string[]> {
  const { rows } = await legacy.query<{ exists: boolean }>(
    `SELECT to_regclass('public.schema_migrations') IS NOT NULL AS exists`,
  );
  if (!rows[0]?.exists) return [];
  const applied = await legacy.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY timestamp');
  return applied.rows.map((row) => row.name);
}

/**
 * The target must hold no data of its own: an earlier attempt may have left a schema without rows (then
 * it is dropped), but users mean somebody already works on the new database and nothing is overwritten.
 */
/** The one row an aggregate query returns (`rows` comes untyped from TypeORM's `query`). */
function firstRow<T>(rows: unknown): T {
  const [row] = rows as T[];
  if (row === undefined) throw new Error('the query returned no row');
  return row;
}

async function resetIfEmpty(target: DataSourceOptions): Promise<void> {
  const db = await new DataSource({ ...target, migrations: [] }).initialize();
  try {
    const usersTable = firstRow<{ exists: boolean }>(
      await db.query(`SELECT to_regclass('public.users') IS NOT NULL AS exists`),
    );
    if (usersTable.exists) {
      const users = firstRow<{ count: number }>(await db.query('SELECT count(*)::int AS count FROM users'));
      if (users.count > 0) {
        throw new Error(
          'the embedded PostgreSQL already holds data; move DATA_DIR/db aside (or delete DATA_DIR/postgres to import again)',
        );
      }
    }
    await db.query('DROP SCHEMA public CASCADE');
    await db.query('CREATE SCHEMA public');
  } finally {
    await db.destroy();
  }
}

/** Row for row through JSON (bytea, jsonb, arrays and timestamps all round-trip), foreign keys deferred. */
async function copyTables(legacy: LegacyDatabase, target: DataSource): Promise<Record<string, number>> {
  const tables = await legacy.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  await target.transaction(async (tx) => {
    // Tables are copied in name order; the foreign keys hold again once every row is in.
    await tx.query(`SET LOCAL session_replication_role = replica`);
    for (const { name } of tables.rows) {
      const table = `public."${name.replaceAll('"', '""')}"`;
      const { rows } = await legacy.query<{ rows: string }>(
        `SELECT coalesce(json_agg(t), '[]'::json)::text AS rows FROM ${table} t`,
      );
      const inserted = firstRow<{ count: number }>(
        await tx.query(
          `WITH moved AS (INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json) RETURNING 1)
           SELECT count(*)::int AS count FROM moved`,
          [firstRow<{ rows: string }>(rows).rows],
        ),
      );
      const copied = inserted.count;
      const expected = firstRow<{ count: number }>(
        (await legacy.query<{ count: number }>(`SELECT count(*)::int AS count FROM ${table}`)).rows,
      ).count;
      if (copied !== expected) throw new Error(`table ${name}: copied ${copied} of ${expected} rows`);
      counts[name] = expected;
    }
  });
  return counts;
}
