import { InvalidObjectKeyError } from './storage-errors.js';

/** GCS allows 1024 bytes; half leaves room for a prefix added by a deployment and keeps paths short on disk. */
export const MAX_OBJECT_KEY_BYTES = 512;
/** NAME_MAX of every common file system, so a key that works on GCS also works on local disk. */
export const MAX_SEGMENT_BYTES = 255;

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** True for a name that can be one segment of a key; the local store's temp files never are one. */
export function isKeySegment(name: string): boolean {
  return SEGMENT.test(name) && name !== '.' && name !== '..' && name.length <= MAX_SEGMENT_BYTES;
}

/**
 * Why `key` is not a valid object key, or undefined when it is. A key is a relative path: `/`-separated
 * segments of [A-Za-z0-9._-], none of them `.` or `..` or longer than MAX_SEGMENT_BYTES, at most
 * MAX_OBJECT_KEY_BYTES bytes in all. Every store applies the same rule, so a key that works locally
 * works on GCS, and no key can name a path outside the local root.
 */
export function objectKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') return 'not a string';
  if (key.length === 0) return 'empty';
  if (Buffer.byteLength(key) > MAX_OBJECT_KEY_BYTES) return `longer than ${MAX_OBJECT_KEY_BYTES} bytes`;
  if (key.includes('\0')) return 'contains NUL';
  if (key.includes('\\')) return 'contains a backslash';
  if (key.startsWith('/')) return 'absolute (leading /)';
  for (const segment of key.split('/')) {
    if (segment === '') return 'empty segment (// or trailing /)';
    if (segment === '.' || segment === '..') return `"${segment}" segment`;
    if (!SEGMENT.test(segment)) return 'characters outside A-Z a-z 0-9 . _ -';
    if (segment.length > MAX_SEGMENT_BYTES) return `a segment longer than ${MAX_SEGMENT_BYTES} bytes`;
  }
  return undefined;
}

/** Throws InvalidObjectKeyError unless `key` is a valid object key (see objectKeyProblem). */
export function assertObjectKey(key: string): void {
  const problem = objectKeyProblem(key);
  if (problem !== undefined) throw new InvalidObjectKeyError(String(key), problem);
}

/**
 * A list prefix is any leading part of a key: '' (everything), `recordings/` or `recordings/ab` (a partial
 * segment). It obeys the key rules except that it may be empty and end with `/`.
 */
export function assertObjectPrefix(prefix: string): void {
  if (prefix === '') return;
  const problem = prefixProblem(String(prefix));
  if (problem !== undefined) throw new InvalidObjectKeyError(String(prefix), `bad prefix: ${problem}`);
}

function prefixProblem(prefix: string): string | undefined {
  if (prefix.endsWith('/')) return objectKeyProblem(prefix.slice(0, -1));
  const slash = prefix.lastIndexOf('/');
  // The last segment may be partial (`rec/ab` matches `rec/abc`), so `.` alone is fine there.
  const partial = prefix.slice(slash + 1);
  if (!SEGMENT.test(partial)) return 'characters outside A-Z a-z 0-9 . _ -';
  if (Buffer.byteLength(prefix) > MAX_OBJECT_KEY_BYTES) return `longer than ${MAX_OBJECT_KEY_BYTES} bytes`;
  return slash < 0 ? undefined : objectKeyProblem(prefix.slice(0, slash));
}
