import type { GcsTuning } from './create-object-store.js';
import type { WriteBehindOptions } from './write-behind-options.js';

/** Injection token of StorageModule.forRoot's options. */
export const STORAGE_MODULE_OPTIONS = Symbol('STORAGE_MODULE_OPTIONS');

/** What the environment does not set; every field has a production default. */
export interface StorageModuleOptions {
  gcs?: GcsTuning;
  uploader?: Partial<Omit<WriteBehindOptions, 'queueMaxBytes' | 'spoolMaxBytes' | 'spoolDir'>>;
  /** How long shutdown waits for queued uploads before spooling them (default: half of SHUTDOWN_GRACE_MS). */
  drainTimeoutMs?: number;
}
