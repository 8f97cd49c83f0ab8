import type { DataSource } from 'typeorm';

/**
 * Runs one statement and returns its rows. `DataSource.query` returns `[rows, count]` for UPDATE/DELETE
 * … RETURNING on `pg`, which reads as two rows; the structured result has the rows in `records`.
 */
export async function queryRows<T>(dataSource: DataSource, sql: string, parameters: unknown[] = []): Promise<T[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return (result.records ?? []) as T[];
  } finally {
    await runner.release();
  }
}
