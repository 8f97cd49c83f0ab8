import { mkdirSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { ENTITIES } from '../entities/index.js';
import { legacyPgliteDir } from '../legacy-pglite-import.js';
import { MIGRATIONS } from '../migrations/index.js';

/**
 * Opens DATA_DIR/db exactly as servers before the embedded PostgreSQL did (PGlite through typeorm-pglite,
 * same entities and migrations), to write the data directories an upgrade has to import.
 */
export async function openLegacyPglite(dataDir: string): Promise<DataSource> {
  const dir = legacyPgliteDir(dataDir);
  mkdirSync(dir, { recursive: true });
  const db = await new DataSource({
    type: 'postgres',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    driver: new PGliteDriver({ dataDir: dir }).driver,
  }).initialize();
  await db.runMigrations({ transaction: 'all' });
  return db;
}
