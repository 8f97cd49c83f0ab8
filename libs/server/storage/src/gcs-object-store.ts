import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Bucket, IdempotencyStrategy, Storage, type StorageOptions } from '@google-cloud/storage';
import { contentTypeFor } from './content-type.js';
import { describeGcsError, gcsStatus, toStorageError } from './gcs-errors.js';
import { readAll } from './object-body.js';
import { assertObjectKey, assertObjectPrefix } from './object-key.js';
import type {
  ByteRange,
  ListOptions,
  ListPage,
  ObjectBody,
  ObjectInfo,
  ObjectStore,
  PutOptions,
} from './object-store.js';
import { checkRange, pageLimit } from './object-store-arguments.js';
import { InvalidObjectKeyError, ObjectNotFoundError, StorageError, StorageUnavailableError } from './storage-errors.js';

export interface GcsObjectStoreOptions {
  bucket: string;
  /** A GCS-compatible endpoint such as a local fake (`http://127.0.0.1:4443`); requests to it carry no credentials. */
  apiEndpoint?: string;
  /**
   * Deadline of one operation, the client's retries included (default 30 000); a download stream must
   * have started by then. This is the only timeout that holds: the client's own per-request `timeout`
   * goes to teeny-request 11, which on Node hands it to node-fetch 3, which dropped that option.
   */
  operationTimeoutMs?: number;
  /** Retries of a failed request by the client, with exponential backoff and jitter (default 3; 0 = none). */
  maxRetries?: number;
  /** Longest wait between two of those retries (default 8 000; at least 1 000, the client's first delay). */
  maxRetryDelayMs?: number;
}

/** Deletes in flight at once during deleteByPrefix. */
const DELETE_CONCURRENCY = 8;

/**
 * Objects in one Google Cloud Storage bucket through the official client. Credentials come the usual
 * way (Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS, gcloud, or the metadata server);
 * with `apiEndpoint` the client sends none, which is what a local emulator wants. Every object is
 * uploaded in one request (`resumable: false`: segments are small, and a resumable session costs an extra
 * round trip) with the client's CRC32C check against what GCS stored. The client retries 408/429/5xx and
 * connection errors with backoff; every operation has a deadline.
 */
export class GcsObjectStore implements ObjectStore {
  readonly kind = 'gcs';
  readonly bucketName: string;
  private readonly storage: Storage;
  private readonly bucket: Bucket;
  private readonly operationTimeoutMs: number;

  constructor(options: GcsObjectStoreOptions) {
    const maxRetries = options.maxRetries ?? 3;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 30_000;
    const storageOptions: StorageOptions = {
      // Ignored on Node by the client's HTTP stack (see operationTimeoutMs); kept for runtimes that honour it.
      timeout: this.operationTimeoutMs,
      retryOptions: {
        // The client treats maxRetries 0 as "default"; autoRetry false is how to say none.
        autoRetry: maxRetries > 0,
        maxRetries: Math.max(1, maxRetries),
        retryDelayMultiplier: 2,
        maxRetryDelay: Math.max(1_000, options.maxRetryDelayMs ?? 8_000) / 1000,
        totalTimeout: this.operationTimeoutMs / 1000,
        // Our writes replace whole objects and deletes tolerate 404, so every call is safe to repeat. The
        // default (RetryConditional) would also switch retries off client-wide on the first unconditional
        // upload or delete: it writes `autoRetry = false` into the shared Storage instance.
        idempotencyStrategy: IdempotencyStrategy.RetryAlways,
      },
    };
    if (options.apiEndpoint) {
      storageOptions.apiEndpoint = options.apiEndpoint;
      // Not used for requests (no project in object URLs), but spares a lookup of a default project.
      storageOptions.projectId = 'local';
    }
    this.storage = new Storage(storageOptions);
    this.bucketName = options.bucket;
    this.bucket = this.storage.bucket(options.bucket);
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<void> {
    assertObjectKey(key);
    const file = this.bucket.file(key);
    const saveOptions = { resumable: false, contentType: options.contentType ?? contentTypeFor(key) };
    await this.operation(`uploading ${key}`, key, async (signal) => {
      if (body instanceof Readable) {
        // A stream can be read once: no retry by the client (it knows), the caller's retry must re-open it.
        await pipeline(body, file.createWriteStream(saveOptions), { signal });
      } else {
        // A function source can be replayed, so the client may retry it; the parts are not concatenated.
        const parts = Buffer.isBuffer(body) ? [body] : body;
        await file.save(() => Readable.from(parts, { objectMode: false }), saveOptions);
      }
    });
  }

  async get(key: string): Promise<Buffer> {
    assertObjectKey(key);
    return this.operation(`downloading ${key}`, key, async (signal) => readAll(await this.openStream(signal, key)));
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    assertObjectKey(key);
    checkRange(start, end);
    return this.operation(`downloading ${key}`, key, async (signal) =>
      readAll(await this.openStream(signal, key, { start, end })),
    );
  }

  async createReadStream(key: string, range?: ByteRange): Promise<Readable> {
    assertObjectKey(key);
    if (range) checkRange(range.start, range.end);
    return this.operation(`downloading ${key}`, key, (signal) => this.openStream(signal, key, range));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    assertObjectKey(key);
    try {
      const [metadata] = await this.operation(`reading metadata of ${key}`, key, () =>
        this.bucket.file(key).getMetadata(),
      );
      return {
        size: Number(metadata.size ?? 0),
        etag: metadata.etag ?? `"${String(metadata.generation)}"`,
        contentType: metadata.contentType ?? contentTypeFor(key),
        updated: new Date(metadata.updated ?? metadata.timeCreated ?? 0),
      };
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return undefined;
      throw error;
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertObjectPrefix(prefix);
    const [files, , response] = await this.operation(`listing ${prefix}`, undefined, () =>
      this.bucket.getFiles({
        prefix,
        maxResults: pageLimit(options.limit),
        pageToken: options.pageToken,
        autoPaginate: false,
      }),
    );
    const nextPageToken = (response as { nextPageToken?: string } | undefined)?.nextPageToken;
    const items = files.map((file) => ({ key: file.name, size: Number(file.metadata.size ?? 0) }));
    return nextPageToken ? { items, nextPageToken } : { items };
  }

  async delete(key: string): Promise<boolean> {
    assertObjectKey(key);
    try {
      await this.operation(`deleting ${key}`, key, () => this.bucket.file(key).delete());
      return true;
    } catch (error) {
      // Also after a retry whose first attempt did delete it.
      if (error instanceof ObjectNotFoundError) return false;
      throw error;
    }
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    if (prefix === '') throw new InvalidObjectKeyError(prefix, 'deleteByPrefix needs a non-empty prefix');
    let deleted = 0;
    let pageToken: string | undefined;
    do {
      const page = await this.list(prefix, { pageToken, limit: 1000 });
      const keys = page.items.map((item) => item.key);
      while (keys.length > 0) {
        const batch = keys.splice(0, DELETE_CONCURRENCY);
        const results = await Promise.all(batch.map((key) => this.delete(key)));
        deleted += results.filter(Boolean).length;
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    return deleted;
  }

  /**
   * Lists at most one object: a round trip that needs only `storage.objects.list`. (A bucket GET would
   * need `storage.buckets.get`, which the usual `roles/storage.objectAdmin` grant does not include.)
   */
  async probe(): Promise<void> {
    await this.operation('listing the bucket', undefined, () =>
      this.bucket.getFiles({ maxResults: 1, autoPaginate: false }),
    );
  }

  /** The bucket exists and we may list, write and delete in it; otherwise an error naming GCS_BUCKET. */
  async verify(): Promise<void> {
    const key = `.rapidrtmp/probe-${randomBytes(6).toString('hex')}`;
    try {
      await this.probe();
      await this.put(key, Buffer.from('ok'), { contentType: 'text/plain' });
      await this.delete(key);
    } catch (error) {
      const cause = error instanceof StorageError && error.cause !== undefined ? error.cause : error;
      throw new StorageUnavailableError(
        `GCS_BUCKET "${this.bucketName}" is not usable: ${describeGcsError(cause, this.bucketName)}`,
        'misconfigured',
        { cause: error },
      );
    }
  }

  /**
   * A download stream, resolved once GCS has answered with data so that a 404 still rejects here (the
   * client starts the request on the first read). Whole downloads are checked against the object's
   * CRC32C by the client. A range starting past the end (416) is an empty stream.
   */
  private openStream(signal: AbortSignal, key: string, range?: ByteRange): Promise<Readable> {
    const source = this.bucket.file(key).createReadStream(range ? { start: range.start, end: range.end } : {});
    const out = new PassThrough();
    // Past the deadline nobody waits for it: close the request rather than leave it hanging.
    signal.addEventListener('abort', () => source.destroy(signal.reason as Error), { once: true });
    return new Promise<Readable>((resolve, reject) => {
      let handedOut = false;
      const handOut = () => {
        handedOut = true;
        resolve(out);
      };
      source.once('response', (response: { statusCode?: number; setMaxListeners?: (n: number) => void }) => {
        // The client and teeny-request 11 hang 12 listeners on this body stream, which makes Node warn on
        // every download (googleapis/google-cloud-node#9185); they are all removed when it ends.
        response.setMaxListeners?.(32);
        if ((response.statusCode ?? 200) < 300) handOut();
      });
      source.on('error', (error: unknown) => {
        if (!handedOut && gcsStatus(error) === 416) {
          out.end();
          handOut();
          return;
        }
        const failure = toStorageError(error, `downloading ${key}`, this.bucketName, key);
        // Before the hand-out the caller hears of it through the rejection; after, through the stream.
        if (handedOut) out.destroy(failure);
        else {
          out.destroy();
          reject(failure);
        }
      });
      // A reader that stops early (a viewer hung up) ends the download too.
      out.once('close', () => source.destroy());
      source.pipe(out);
    });
  }

  /** Runs one client call under the operation deadline and turns whatever it throws into a StorageError. */
  private async operation<T>(
    doing: string,
    key: string | undefined,
    call: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new StorageUnavailableError(
          `GCS did not finish ${doing} within ${this.operationTimeoutMs} ms`,
          'timeout',
        );
        reject(error);
        abort.abort(error);
      }, this.operationTimeoutMs);
      timer.unref();
    });
    const work = call(abort.signal);
    try {
      return await Promise.race([work, deadline]);
    } catch (error) {
      work.catch(() => undefined); // a call that loses the race may still fail later
      throw toStorageError(error, doing, this.bucketName, key);
    } finally {
      clearTimeout(timer);
    }
  }
}
