import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseTarget {
  /** `postgres://…`; unset selects the embedded PGlite database. */
  databaseUrl?: string;
  /** Where the embedded database lives (`<dataDir>/db`). */
  dataDir: string;
}

/** Where the embedded database keeps its files. */
export function embeddedDatabaseDir(dataDir: string): string {
  return join(dataDir, 'db');
}

/**
 * TypeORM options for either back end. Both use the `postgres` dialect with the same entities and
 * migrations; PGlite has no `uuid-ossp`, hence `uuidExtension: 'pgcrypto'` (built-in gen_random_uuid()).
 */
export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'all' as const,
    synchronize: false,
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
    logging: false,
  };
  if (target.databaseUrl) {
    return {
      ...common,
      url: target.databaseUrl,
      applicationName: 'rapidrtmp',
      // Fail fast when the server is unreachable instead of hanging start-up or readiness.
      connectTimeoutMS: 3000,
      extra: { max: 10, idleTimeoutMillis: 30_000, query_timeout: 10_000 },
    };
  }
  const dir = embeddedDatabaseDir(target.dataDir);
  mkdirSync(dir, { recursive: true });
  return { ...common, driver: new PGliteDriver({ dataDir: dir }).driver };
}
