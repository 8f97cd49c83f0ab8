import {
  ObjectNotFoundError,
  StorageError,
  StorageUnavailableError,
  type UnavailableReason,
} from './storage-errors.js';

/** The HTTP status of a client error (ApiError.code), if it has one. */
export function gcsStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && /^\d{3}$/.test(code)) return Number(code);
  return undefined;
}

function isTimeout(error: unknown): boolean {
  const e = error as { code?: unknown; type?: unknown; name?: unknown; message?: unknown } | undefined;
  return e?.code === 'ETIMEDOUT' || e?.type === 'request-timeout' || e?.name === 'AbortError';
}

/** One line for an operator: what GCS said and what to check. */
export function describeGcsError(error: unknown, bucket: string): string {
  const status = gcsStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 404) return `the bucket "${bucket}" does not exist (HTTP 404: ${message})`;
  if (status === 401 || status === 403) {
    return `permission denied (HTTP ${status}: ${message}); grant the server's service account roles/storage.objectAdmin on the bucket`;
  }
  if (/default credentials/i.test(message)) {
    return `no Google credentials found (${message}); set GOOGLE_APPLICATION_CREDENTIALS or run with a service account`;
  }
  if (isTimeout(error)) return `no answer in time (${message})`;
  return status === undefined ? message : `HTTP ${status}: ${message}`;
}

/**
 * Maps what the client throws to our errors: 404 on an object -> ObjectNotFoundError; everything else ->
 * StorageUnavailableError with the reason the uploader counts by and the client error as `cause`.
 */
export function toStorageError(error: unknown, doing: string, bucket: string, key?: string): StorageError {
  if (error instanceof StorageError) return error;
  const status = gcsStatus(error);
  if (status === 404 && key !== undefined && !/bucket/i.test((error as Error).message ?? '')) {
    return new ObjectNotFoundError(key);
  }
  let reason: UnavailableReason = 'unavailable';
  if (status === 401 || status === 403 || /default credentials/i.test((error as Error)?.message ?? ''))
    reason = 'forbidden';
  else if (status === 404) reason = 'misconfigured';
  else if (isTimeout(error)) reason = 'timeout';
  return new StorageUnavailableError(`GCS failed ${doing} in "${bucket}": ${describeGcsError(error, bucket)}`, reason, {
    cause: error,
  });
}
