import type { DataSource } from 'typeorm';

/** Arbitrary, fixed: the advisory lock every node takes around migrations. */
const MIGRATION_LOCK = 726_372_001;

/**
 * Runs pending migrations under a PostgreSQL advisory lock, so nodes starting together on an empty
 * database take turns: the first migrates, the others then find nothing to do.
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'all' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
