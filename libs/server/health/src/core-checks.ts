import { randomBytes } from 'node:crypto';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { DataSource } from 'typeorm';
import { ReadinessChecks } from './readiness-checks.js';

/** Their failure degrades the node but keeps it serving what it holds in memory (ReadinessCheckOptions). */
const SHARED = { critical: false } as const;

/**
 * Registers the checks every node needs: `database` (a round trip) and `data-dir` (DATA_DIR writable:
 * the embedded database, the upload spool and local media live there). The object store adds `storage`.
 */
@Injectable()
export class CoreReadinessChecks implements OnModuleInit {
  constructor(
    private readonly checks: ReadinessChecks,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.checks.register(
      'database',
      async () => {
        if (!this.dataSource.isInitialized) throw new Error('database connection is closed');
        await this.dataSource.query('SELECT 1');
      },
      SHARED,
    );
    this.checks.register(
      'data-dir',
      async () => {
        await mkdir(this.config.dataDir, { recursive: true });
        const probe = join(this.config.dataDir, `.ready-${randomBytes(4).toString('hex')}`);
        await writeFile(probe, 'ok');
        await unlink(probe);
      },
      SHARED,
    );
  }
}
