import { type DynamicModule, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@rapidrtmp/server-config';
import { EmbeddedPostgres } from '@rapidrtmp/server-embedded-postgres';
import { type Logger, ROOT_LOGGER } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { DataSource } from 'typeorm';
import { AuditLog } from './audit-log.js';
import { DatabaseAvailability } from './database-availability.js';
import { DeferredWrites } from './deferred-writes.js';
import { dataSourceOptions, type DatabaseTarget } from './data-source-options.js';
import { ENTITIES } from './entities/index.js';
import { migrate } from './migrate.js';
import { hasLegacyPgliteDatabase, importLegacyPglite, legacyPgliteDir } from './legacy-pglite-import.js';

/** The embedded PostgreSQL this node started, or `undefined` with DATABASE_URL. */
export const EMBEDDED_POSTGRES = Symbol('EMBEDDED_POSTGRES');

export interface PersistenceOptions {
  /**
   * The embedded PostgreSQL, when the caller started it early (main.ts starts it while the application
   * code loads); otherwise it is started here when DATABASE_URL is unset.
   */
  embedded?: Promise<EmbeddedPostgres>;
}

/** Stops the embedded PostgreSQL after every module drained (their writes happen before this hook). */
@Injectable()
class EmbeddedPostgresLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(EMBEDDED_POSTGRES) private readonly embedded: EmbeddedPostgres | undefined,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.embedded) return;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded.stop();
  }
}

/**
 * Opens the database (DATABASE_URL, or the embedded PostgreSQL in DATA_DIR/postgres) and runs pending
 * migrations before anything else starts, so every module sees the current schema.
 */
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions = {}): DynamicModule {
    // One embedded PostgreSQL per module instance, shared by TypeORM's factory and the lifecycle hook.
    let embedded: Promise<EmbeddedPostgres | undefined> | undefined;
    const embeddedFor = (config: AppConfig, logger: Logger) =>
      (embedded ??= config.databaseUrl
        ? Promise.resolve(undefined)
        : (options.embedded ??
          EmbeddedPostgres.start({ dataDir: config.dataDir, logger: logger.child({ module: 'embedded-postgres' }) })));
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig, ROOT_LOGGER],
          useFactory: async (config: AppConfig, logger: Logger) => {
            const postgres = await embeddedFor(config, logger);
            let target: DatabaseTarget;
            if (postgres) target = { embedded: postgres.connection };
            else if (config.databaseUrl) target = { databaseUrl: config.databaseUrl };
            else throw new Error('neither DATABASE_URL nor an embedded PostgreSQL'); // embeddedFor starts one without it
            const dataSource = dataSourceOptions(target);
            if (postgres && hasLegacyPgliteDatabase(config.dataDir))
              await importLegacy(config.dataDir, dataSource, logger);
            // Nest's default retries for minutes; a down database should stop the start quickly.
            return { ...dataSource, retryAttempts: 2, retryDelay: 1000 };
          },
          dataSourceFactory: async (dataSource) => {
            if (!dataSource) throw new Error('TypeORM gave no DataSource options'); // useFactory above always does
            const opened = await new DataSource(dataSource).initialize();
            await migrate(opened);
            return opened;
          },
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [
        AuditLog,
        { provide: EMBEDDED_POSTGRES, inject: [AppConfig, ROOT_LOGGER], useFactory: embeddedFor },
        EmbeddedPostgresLifecycle,
        {
          provide: DatabaseAvailability,
          inject: [DataSource, ROOT_LOGGER, MetricsRegistry],
          useFactory: (dataSource: DataSource, logger: Logger, metrics: MetricsRegistry) =>
            new DatabaseAvailability(
              () => dataSource.query('SELECT 1'),
              logger.child({ module: 'persistence' }),
              metrics,
            ),
        },
        {
          provide: DeferredWrites,
          inject: [DatabaseAvailability, ROOT_LOGGER, MetricsRegistry],
          useFactory: (availability: DatabaseAvailability, logger: Logger, metrics: MetricsRegistry) =>
            new DeferredWrites(availability, logger.child({ module: 'persistence' }), metrics),
        },
      ],
      exports: [TypeOrmModule, AuditLog, EMBEDDED_POSTGRES, DatabaseAvailability, DeferredWrites],
    };
  }
}

async function importLegacy(dataDir: string, options: Parameters<typeof importLegacyPglite>[1], logger: Logger) {
  const log = logger.child({ module: 'persistence' });
  log.info(`importing the PGlite database in ${legacyPgliteDir(dataDir)} into the embedded PostgreSQL`);
  try {
    const { rows, keptAt } = await importLegacyPglite(dataDir, options);
    const total = Object.values(rows).reduce((sum, n) => sum + n, 0);
    log.info({ rows }, `imported ${total} rows from PGlite; its files are kept in ${keptAt} and may be deleted`);
  } catch (error) {
    throw new Error(
      `could not import the PGlite database in ${legacyPgliteDir(dataDir)} (used by RapidRTMP before the embedded PostgreSQL): ${(error as Error).message}. Nothing in it was changed.`,
    );
  }
}
