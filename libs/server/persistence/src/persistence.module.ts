import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@rapidrtmp/server-config';
import { DataSource } from 'typeorm';
import { AuditLog } from './audit-log.js';
import { dataSourceOptions } from './data-source-options.js';
import { ENTITIES } from './entities/index.js';

/**
 * Opens the database (embedded PGlite or DATABASE_URL) and runs pending migrations before anything
 * else starts, so every module sees the current schema.
 */
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }),
            // Nest's default retries for minutes; a down database should stop the start quickly.
            retryAttempts: 2,
            retryDelay: 1000,
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await dataSource.runMigrations({ transaction: 'all' });
            return dataSource;
          },
        }),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      providers: [AuditLog],
      exports: [TypeOrmModule, AuditLog],
    };
  }
}
