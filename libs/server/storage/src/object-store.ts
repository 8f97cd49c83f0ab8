import type { Readable } from 'node:stream';

/** Injection token of the configured ObjectStore (local disk or GCS). */
export const OBJECT_STORE = Symbol('OBJECT_STORE');

/** An object's body: one Buffer, several written back to back (no concatenation copy), or a stream. */
export type ObjectBody = Buffer | Buffer[] | Readable;

export interface PutOptions {
  /** Defaults to the type for the key's extension (content-type.ts), else application/octet-stream. */
  contentType?: string;
}

/** Inclusive byte offsets, as in HTTP `Range: bytes=start-end`; `end` past the object is clamped. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectInfo {
  size: number;
  /** Changes whenever the object is rewritten; usable as an HTTP ETag (already quoted on GCS). */
  etag: string;
  contentType: string;
  updated: Date;
}

export interface ListOptions {
  /** From the previous page's `nextPageToken`; opaque. */
  pageToken?: string;
  /** Items per page, 1-1000 (default 1000). */
  limit?: number;
}

export interface ListPage {
  /** Sorted by key (byte order), each key once. */
  items: Array<{ key: string; size: number }>;
  /** Present when more items follow. */
  nextPageToken?: string;
}

/**
 * Media objects by key (`recordings/<id>/seg-00001.m4s`). Keys are validated identically by every store
 * (object-key.ts): a bad one throws InvalidObjectKeyError before any I/O. A missing object throws
 * ObjectNotFoundError (head returns undefined); a back end that fails or does not answer in time throws
 * StorageUnavailableError with the original error as `cause`. A put replaces the object atomically:
 * readers see the old or the new value, never a mix.
 */
export interface ObjectStore {
  /** `local` or `gcs`, for logs. */
  readonly kind: string;
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<void>;
  /**
   * Makes a local file the object's body without copying it (a store on the same filesystem: a hard link), for
   * a file its writer never changes again. False when this store cannot (another filesystem, a remote store):
   * the caller puts the bytes instead. Throws as put does (an invalid key, a failing disk).
   */
  adoptFile?(key: string, path: string): Promise<boolean>;
  /** The whole object. */
  get(key: string): Promise<Buffer>;
  /** Bytes `start..end` inclusive; empty when `start` is at or past the end of the object. */
  getRange(key: string, start: number, end: number): Promise<Buffer>;
  /** Resolves once the object is known to exist (so a caller can still answer 404), then streams it. */
  createReadStream(key: string, range?: ByteRange): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Keys starting with `prefix` (plain string prefix, not a folder: `rec/a` matches `rec/ab/x`). */
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Removes the object; true when there was one. Deleting a missing key is not an error. */
  delete(key: string): Promise<boolean>;
  /** Removes every object under `prefix` (which must not be empty); returns how many. */
  deleteByPrefix(prefix: string): Promise<number>;
  /** A cheap round trip for /readyz; throws StorageUnavailableError when the store is not usable. */
  probe(): Promise<void>;
  /**
   * The start-up check: the store exists and we may read and write it (writes and deletes a probe
   * object). Throws StorageUnavailableError with a message naming the setting to fix.
   */
  verify(): Promise<void>;
}
