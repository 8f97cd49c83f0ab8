import { join } from 'node:path';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { createObjectStore } from './create-object-store.js';
import { OBJECT_STORE, type ObjectStore } from './object-store.js';
import { StorageLifecycle } from './storage-lifecycle.js';
import { STORAGE_MODULE_OPTIONS, type StorageModuleOptions } from './storage-options.js';
import { WriteBehindUploader } from './write-behind-uploader.js';

/**
 * The store STORAGE selects, verified before anything else starts: a missing bucket, missing credentials
 * or a permission problem stops the start with an error naming GCS_BUCKET (or DATA_DIR).
 */
async function verifiedStore(config: AppConfig, logger: Logger, options?: StorageModuleOptions): Promise<ObjectStore> {
  const store = await createObjectStore(config, options?.gcs);
  await store.verify();
  logger
    .child({ module: 'storage' })
    .info(
      { backend: store.kind, bucket: config.storage.gcsBucket, endpoint: config.storage.gcsApiEndpoint },
      'object storage ready',
    );
  return store;
}

function uploader(
  store: ObjectStore,
  config: AppConfig,
  logger: Logger,
  metrics: MetricsRegistry,
  options?: StorageModuleOptions,
): WriteBehindUploader {
  return new WriteBehindUploader(
    store,
    {
      ...options?.uploader,
      queueMaxBytes: config.storage.queueMaxBytes,
      spoolMaxBytes: config.storage.spoolMaxBytes,
      spoolDir: join(config.dataDir, 'spool'),
    },
    logger,
    metrics,
  );
}

const PROVIDERS = [
  {
    provide: OBJECT_STORE,
    useFactory: verifiedStore,
    inject: [AppConfig, ROOT_LOGGER, { token: STORAGE_MODULE_OPTIONS, optional: true }],
  },
  {
    provide: WriteBehindUploader,
    useFactory: uploader,
    inject: [OBJECT_STORE, AppConfig, ROOT_LOGGER, MetricsRegistry, { token: STORAGE_MODULE_OPTIONS, optional: true }],
  },
  StorageLifecycle,
];

/**
 * Object storage for the whole app: `OBJECT_STORE` (an ObjectStore: LocalObjectStore or GcsObjectStore)
 * and `WriteBehindUploader`. Needs the global config, logging, metrics and health modules. Import
 * `StorageModule`, or `StorageModule.forRoot({...})` to tune timeouts and retries.
 */
@Global()
@Module({ providers: PROVIDERS, exports: [OBJECT_STORE, WriteBehindUploader] })
export class StorageModule {
  static forRoot(options: StorageModuleOptions = {}): DynamicModule {
    return {
      module: StorageModule,
      providers: [{ provide: STORAGE_MODULE_OPTIONS, useValue: options }],
      exports: [OBJECT_STORE, WriteBehindUploader],
    };
  }
}
