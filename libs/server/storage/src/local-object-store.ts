import { randomBytes } from 'node:crypto';
import { type FileHandle, link, mkdir, open, readFile, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { contentTypeFor } from './content-type.js';
import { KnownFolders } from './known-folders.js';
import { isCode, listLocalPage } from './local-listing.js';
import { writeAll } from './write-all.js';
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

export interface LocalObjectStoreOptions {
  /**
   * fdatasync each object before it replaces the old one (default true here; the server passes
   * STORAGE_LOCAL_FSYNC, default false). On, a power loss leaves the whole old or new object, at the cost of a
   * disk flush per put. Off, a put is write + rename and the kernel writes the data back within ~30 s: a process
   * crash loses nothing, a power loss or kernel crash can lose (or leave empty) objects of the last seconds.
   */
  fsync?: boolean;
  /** Folders remembered as existing, so puts into them skip mkdir (default 1024). */
  knownFolderLimit?: number;
}

/** `link` errors that mean links cannot work here (other filesystems, no hard links): puts copy instead. */
const LINK_UNSUPPORTED_CODES = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP']);

/** `open` errors that mean "no such object" (the path, or a folder on it, is missing or not a file). */
const NOT_FOUND_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * Objects as files under one root folder (`DATA_DIR/media`), key = relative path. A put writes a temp file
 * beside the target (a name no key can have: it contains `~`), optionally fdatasyncs it and renames it over
 * the target, so readers see the whole old or the whole new file. Folders it made or found are remembered
 * (bounded), so a put into a known folder costs no mkdir. Keys are validated and then resolved and checked to
 * stay under the root, so no key reaches outside it. Content types come from the key's extension (a plain
 * file has nowhere to keep one); etags from size, inode and modification time.
 */
export class LocalObjectStore implements ObjectStore {
  readonly kind = 'local';
  readonly root: string;
  /** Whether puts fdatasync before the rename (see LocalObjectStoreOptions.fsync). */
  readonly fsync: boolean;
  private readonly knownFolders: KnownFolders;
  /** Cleared by the first link refused for good (see adoptFile). */
  private linksWork = true;

  constructor(root: string, options: LocalObjectStoreOptions = {}) {
    this.root = resolve(root);
    this.fsync = options.fsync ?? true;
    this.knownFolders = new KnownFolders(options.knownFolderLimit);
  }

  async put(key: string, body: ObjectBody, _options?: PutOptions): Promise<void> {
    const path = this.pathOf(key);
    const temp = join(dirname(path), `~${randomBytes(8).toString('hex')}.tmp`);
    const handle = await this.openTemp(key, temp);
    try {
      try {
        await writeBody(handle, body);
        if (this.fsync) await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      if (isCode(error, 'EISDIR') || isCode(error, 'ENOTEMPTY') || isCode(error, 'EEXIST')) {
        throw new InvalidObjectKeyError(key, 'a folder of other objects has this name');
      }
      throw this.failure(error, `writing ${key}`);
    }
  }

  /**
   * A hard link to `path` under the key's name: the object shares the file's bytes (the caller never writes them
   * again), no copy. A new key is linked in place (one call; the name appears with the whole file behind it); an
   * existing object is replaced as put replaces it, by a link beside it renamed over it. False once linking is
   * known not to work here (another filesystem, a file system without links).
   */
  async adoptFile(key: string, path: string): Promise<boolean> {
    if (!this.linksWork) return false;
    const target = this.pathOf(key);
    try {
      if (this.fsync) await datasyncFile(path);
      if (await this.inFolderOf(key, target, () => linkUnlessExists(path, target))) return true;
      const temp = join(dirname(target), `~${randomBytes(8).toString('hex')}.tmp`);
      await link(path, temp);
      await rename(temp, target).catch(async (error: unknown) => {
        await unlink(temp).catch(() => undefined);
        throw error;
      });
      return true;
    } catch (error) {
      const cause = error instanceof StorageError ? error.cause : error;
      if (LINK_UNSUPPORTED_CODES.has((cause as NodeJS.ErrnoException | undefined)?.code ?? '')) {
        this.linksWork = false;
        return false;
      }
      throw this.failure(error, `writing ${key}`);
    }
  }

  async get(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (error) {
      throw this.failure(error, `reading ${key}`, key);
    }
  }

  async getRange(key: string, start: number, end: number): Promise<Buffer> {
    checkRange(start, end);
    const handle = await this.openObject(key);
    try {
      const { size } = await handle.stat();
      if (start >= size) return Buffer.alloc(0);
      const length = Math.min(end, size - 1) - start + 1;
      const out = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(out, filled, length - filled, start + filled);
        if (bytesRead === 0) break; // the file cannot shrink (puts replace it), but never loop forever
        filled += bytesRead;
      }
      return filled === length ? out : out.subarray(0, filled);
    } catch (error) {
      throw this.failure(error, `reading ${key}`, key);
    } finally {
      await handle.close();
    }
  }

  async createReadStream(key: string, range?: ByteRange): Promise<Readable> {
    if (range) checkRange(range.start, range.end);
    // Opened here so a missing object rejects now (a caller can still answer 404), not mid-stream.
    const handle = await this.openObject(key);
    return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path, { bigint: true });
      if (!info.isFile()) return undefined;
      return {
        size: Number(info.size),
        etag: `"${info.size.toString(16)}-${info.ino.toString(16)}-${info.mtimeNs.toString(16)}"`,
        contentType: contentTypeFor(key),
        updated: new Date(Number(info.mtimeMs)),
      };
    } catch (error) {
      if (NOT_FOUND_CODES.has((error as NodeJS.ErrnoException).code ?? '')) return undefined;
      throw this.failure(error, `reading ${key}`);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertObjectPrefix(prefix);
    try {
      return await listLocalPage(this.root, prefix, options.pageToken, pageLimit(options.limit));
    } catch (error) {
      throw this.failure(error, `listing ${prefix}`);
    }
  }

  async delete(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      if (NOT_FOUND_CODES.has((error as NodeJS.ErrnoException).code ?? '') || isCode(error, 'EPERM')) return false;
      throw this.failure(error, `deleting ${key}`);
    }
    await this.pruneEmptyFolders(dirname(path));
    return true;
  }

  async deleteByPrefix(prefix: string): Promise<number> {
    if (prefix === '') throw new InvalidObjectKeyError(prefix, 'deleteByPrefix needs a non-empty prefix');
    let deleted = 0;
    let pageToken: string | undefined;
    do {
      const page = await this.list(prefix, { pageToken, limit: 1000 });
      for (const { key } of page.items) if (await this.delete(key)) deleted += 1;
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
    return deleted;
  }

  async probe(): Promise<void> {
    const path = join(this.root, `~probe-${randomBytes(6).toString('hex')}.tmp`);
    try {
      await mkdir(this.root, { recursive: true });
      const handle = await open(path, 'wx');
      await handle.close();
      await unlink(path);
    } catch (error) {
      throw this.failure(error, `writing to ${this.root}`);
    }
  }

  async verify(): Promise<void> {
    try {
      await this.probe();
    } catch (error) {
      throw new StorageUnavailableError(
        `local storage ${this.root} (DATA_DIR/media) is not writable: ${(error as Error).message}`,
        'misconfigured',
        { cause: error },
      );
    }
  }

  /** Validation first, then resolve + prefix check: defence in depth against any key that escapes the root. */
  private pathOf(key: string): string {
    assertObjectKey(key);
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new InvalidObjectKeyError(key, 'outside the storage root');
    return path;
  }

  private async openObject(key: string): Promise<FileHandle> {
    const path = this.pathOf(key);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw this.failure(error, `reading ${key}`, key);
    }
    // open() succeeds on a folder; reading it would fail later with EISDIR.
    const info = await handle.stat().catch(() => undefined);
    if (!info?.isFile()) {
      await handle.close();
      throw new ObjectNotFoundError(key);
    }
    return handle;
  }

  private openTemp(key: string, temp: string): Promise<FileHandle> {
    return this.inFolderOf(key, temp, () => open(temp, 'wx'));
  }

  /**
   * Makes the temp file's folder unless it is known to exist, then creates the file. ENOENT means the folder is
   * gone after all (a delete pruned it, or another process removed it on a shared volume): make it and retry.
   */
  private async inFolderOf<T>(key: string, temp: string, create: () => Promise<T>): Promise<T> {
    const folder = dirname(temp);
    for (let attempt = 1; ; attempt += 1) {
      try {
        if (attempt > 1 || !this.knownFolders.has(folder)) {
          await mkdir(folder, { recursive: true });
          this.knownFolders.add(folder);
        }
        return await create();
      } catch (error) {
        this.knownFolders.forget(folder);
        if (isCode(error, 'ENOENT') && attempt < 3) continue;
        if (isCode(error, 'ENOTDIR') || isCode(error, 'EEXIST')) {
          throw new InvalidObjectKeyError(key, 'an object already has the name of one of its folders');
        }
        throw this.failure(error, `writing ${key}`);
      }
    }
  }

  /** Removes folders a delete left empty, up to (not including) the root. Best effort: a racing put wins. */
  private async pruneEmptyFolders(folder: string): Promise<void> {
    while (folder.startsWith(this.root + sep)) {
      try {
        await rmdir(folder);
      } catch {
        return; // not empty, already gone, or busy
      }
      this.knownFolders.forget(folder);
      folder = dirname(folder);
    }
  }

  private failure(error: unknown, doing: string, key?: string): StorageError {
    if (error instanceof StorageError) return error;
    if (key !== undefined && NOT_FOUND_CODES.has((error as NodeJS.ErrnoException).code ?? '')) {
      return new ObjectNotFoundError(key);
    }
    return new StorageUnavailableError(`local storage failed ${doing}: ${(error as Error).message}`, 'io', {
      cause: error,
    });
  }
}

/** False when `target` exists already. */
async function linkUnlessExists(path: string, target: string): Promise<boolean> {
  try {
    await link(path, target);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
}

async function datasyncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

async function writeBody(handle: FileHandle, body: ObjectBody): Promise<void> {
  if (body instanceof Readable) {
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      await writeAll(handle, [typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
    }
    return;
  }
  await writeAll(handle, Buffer.isBuffer(body) ? [body] : body);
}
