/**
 * Why an upload will not happen. `spool-full`, `spool-error` and `invalid-key` lose data and are counted
 * in `storage_dropped_total`; `superseded` means a newer enqueue of the same key replaced this one before
 * it was uploaded (the newer one reports its own outcome).
 */
export type UploadDropReason = 'spool-full' | 'spool-error' | 'invalid-key' | 'superseded';

export interface EnqueueOptions {
  /** Defaults to the type for the key's extension. */
  contentType?: string;
  /** The object is in the store (called once, possibly after a stay in the spool). */
  onStored?: (key: string) => void;
  /** The object will not be stored (see UploadDropReason); `error` is the last failure, if any. */
  onFailed?: (reason: UploadDropReason, error?: Error) => void;
  /**
   * The uploader will not read the buffers given to `enqueue` again (stored, spooled to disk or given up):
   * they may be reused. Called once, before or after the outcome callbacks; never for an item left queued
   * when the process ends without a drain.
   */
  onBytesDone?: () => void;
}

export interface WriteBehindOptions {
  /** Bytes waiting or in flight in memory; an item that does not fit goes straight to the spool. */
  queueMaxBytes: number;
  /** Folder of the spool (DATA_DIR/spool). */
  spoolDir: string;
  /** Bytes the spool may hold on disk; an item that does not fit is dropped (`spool-full`). */
  spoolMaxBytes: number;
  /** Uploads in flight at once (default 4). */
  concurrency?: number;
  /** Attempts per item before it is spooled (default 5)... */
  maxAttempts?: number;
  /** ...or once retrying would take longer than this since its first attempt (default 30 000). */
  retryBudgetMs?: number;
  /** Backoff between attempts: base, doubling, capped (defaults 250 and 8 000). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** How often the spool is retried (default 15 000); also right after start and after a live upload succeeds. */
  spoolRetryIntervalMs?: number;
}

export type ResolvedWriteBehindOptions = Required<WriteBehindOptions>;

export function resolveWriteBehindOptions(options: WriteBehindOptions): ResolvedWriteBehindOptions {
  return {
    concurrency: 4,
    maxAttempts: 5,
    retryBudgetMs: 30_000,
    backoffBaseMs: 250,
    backoffMaxMs: 8_000,
    spoolRetryIntervalMs: 15_000,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  } as ResolvedWriteBehindOptions;
}

export interface DrainResult {
  /** Items were still in memory when the timeout came (they were then spooled). */
  timedOut: boolean;
  /** Items written to the spool since the drain began (uploaded on the next start). */
  spooled: number;
}
