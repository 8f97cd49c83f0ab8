import type { EmbeddedConnection } from '@rapidrtmp/server-embedded-postgres';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';

/** A PostgreSQL server by URL (DATABASE_URL), or the embedded one the server started itself. */
export type DatabaseTarget = { databaseUrl: string } | { embedded: EmbeddedConnection };

/**
 * TypeORM options for either target: the same dialect, entities and migrations. Migrations use only
 * built-ins (`gen_random_uuid()` since PostgreSQL 13), hence `uuidExtension: 'pgcrypto'` and no
 * extension installs.
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
    applicationName: 'rapidrtmp',
    // Fail fast when the server is unreachable instead of hanging start-up, readiness or a publish: a new
    // connection (or a wait for a free one) gives up after 3 s; a statement on a connection that went
    // silent after 10 s (query_timeout); TCP keepalive notices a dead peer on idle connections.
    connectTimeoutMS: 3000,
  };
  const pool = { query_timeout: 10_000, keepAlive: true };
  if ('databaseUrl' in target) {
    return { ...common, url: target.databaseUrl, extra: { ...pool, max: 10, idleTimeoutMillis: 30_000 } };
  }
  const { host, port, user, database } = target.embedded;
  // One node's traffic needs few connections; idle ones close so an idle server holds no backends.
  return {
    ...common,
    host,
    port,
    username: user,
    database,
    extra: { ...pool, max: 5, idleTimeoutMillis: 10_000 },
  };
}
