import type { AppConfig } from '@rapidrtmp/server-config';
import type { GcsObjectStoreOptions } from './gcs-object-store.js';
import { LocalObjectStore } from './local-object-store.js';
import type { ObjectStore } from './object-store.js';

/** Tuning the environment does not set (timeouts, retries); tests shorten them. */
export type GcsTuning = Omit<GcsObjectStoreOptions, 'bucket' | 'apiEndpoint'>;

/**
 * The store STORAGE selects: files under STORAGE_LOCAL_DIR, or the GCS_BUCKET bucket. Not yet verified.
 * The Google client is loaded only for STORAGE=gcs: it costs ~0.15 s of start-up and ~26 MB of RSS
 * (6 MB of heap) that the embedded default never uses.
 */
export async function createObjectStore(
  config: Pick<AppConfig, 'dataDir' | 'storage'>,
  gcs: GcsTuning = {},
): Promise<ObjectStore> {
  const { storage } = config;
  if (storage.backend === 'gcs') {
    if (!storage.gcsBucket) throw new Error('GCS_BUCKET is required when STORAGE=gcs'); // loadConfig ensures it
    const { GcsObjectStore } = await import('./gcs-object-store.js');
    return new GcsObjectStore({ ...gcs, bucket: storage.gcsBucket, apiEndpoint: storage.gcsApiEndpoint });
  }
  // STORAGE_LOCAL_FSYNC (default off): see StorageSettings.localFsync for what a crash or power loss costs.
  return new LocalObjectStore(storage.localDir, { fsync: storage.localFsync });
}
