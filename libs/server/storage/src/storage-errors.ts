/** What a StorageUnavailableError came from; the write-behind uploader counts failures by it. */
export type UnavailableReason = 'timeout' | 'unavailable' | 'forbidden' | 'misconfigured' | 'io';

/** Base of every error the object stores throw, so callers can tell storage errors from bugs. */
export abstract class StorageError extends Error {
  abstract readonly code: string;
}

/** No object under this key (get, getRange, createReadStream; `head` returns undefined instead). */
export class ObjectNotFoundError extends StorageError {
  readonly code = 'object-not-found';

  constructor(readonly key: string) {
    super(`no object ${JSON.stringify(key)}`);
    this.name = 'ObjectNotFoundError';
  }
}

/**
 * A key that is not a relative `/`-separated path of [A-Za-z0-9._-] segments (see object-key.ts), or one
 * the local store cannot hold (a file where a folder is needed). Never retried.
 */
export class InvalidObjectKeyError extends StorageError {
  readonly code = 'invalid-object-key';

  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    // The key may be hostile (NUL, escapes): show it JSON-quoted and cut short.
    super(`invalid object key ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}: ${reason}`);
    this.name = 'InvalidObjectKeyError';
  }
}

/** A byte range with a negative start or an end before its start. */
export class InvalidRangeError extends StorageError {
  readonly code = 'invalid-range';

  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super(`invalid byte range ${start}-${end}`);
    this.name = 'InvalidRangeError';
  }
}

/** The back end did not answer, answered with an error, or refused us; `cause` holds the original error. */
export class StorageUnavailableError extends StorageError {
  readonly code = 'storage-unavailable';

  constructor(
    message: string,
    readonly reason: UnavailableReason,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}
