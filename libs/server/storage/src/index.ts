export * from './content-type.js';
export * from './create-object-store.js';
// Types only: the GCS store (and the Google client under it) loads on demand, see createObjectStore.
export type { GcsObjectStore, GcsObjectStoreOptions } from './gcs-object-store.js';
export * from './local-object-store.js';
export * from './object-key.js';
export * from './object-store.js';
export * from './storage-errors.js';
export * from './storage-metrics.js';
export * from './storage-options.js';
export * from './storage.module.js';
export * from './write-behind-options.js';
export * from './write-behind-uploader.js';
export * from './write-all.js';
