import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgres } from '@rapidrtmp/server-embedded-postgres';
import type { DatabaseTarget } from '../data-source-options.js';

export interface EmbeddedTestDatabase {
  target: DatabaseTarget;
  postgres: EmbeddedPostgres;
  /** The DATA_DIR the cluster lives in. */
  dataDir: string;
  drop(): Promise<void>;
}

/** The server's embedded PostgreSQL, started in a fresh temporary DATA_DIR for one test file. */
export async function startEmbeddedTestDatabase(): Promise<EmbeddedTestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-embedded-'));
  const postgres = await EmbeddedPostgres.start({ dataDir });
  return {
    target: { embedded: postgres.connection },
    postgres,
    dataDir,
    async drop() {
      await postgres.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
