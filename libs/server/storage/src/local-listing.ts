import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isKeySegment } from './object-key.js';
import type { ListPage } from './object-store.js';
import { InvalidObjectKeyError } from './storage-errors.js';

interface Entry {
  key: string;
  dir: boolean;
  /** A folder sorts as `key/`: then a depth-first walk yields keys in plain string order (`a-b/x` < `a/x`). */
  order: string;
}

/**
 * One page of the keys under `root` that start with `prefix`, in string (= byte, keys are ASCII) order,
 * after the key the page token names. A depth-first walk over sorted folders that skips folders wholly
 * before the token or outside the prefix and stops one item past the page, so a page costs about what it
 * returns. Temp files and anything else that is not a valid key segment are not listed.
 */
export async function listLocalPage(
  root: string,
  prefix: string,
  pageToken: string | undefined,
  limit: number,
): Promise<ListPage> {
  const after = pageToken === undefined ? undefined : decodePageToken(pageToken);
  const items: ListPage['items'] = [];
  let more = false;

  const walk = async (dirKey: string): Promise<void> => {
    for (const entry of await sortedEntries(root, dirKey)) {
      if (more) return;
      if (entry.dir) {
        const folder = entry.order;
        if (!folder.startsWith(prefix) && !prefix.startsWith(folder)) continue;
        // Every key inside starts with `folder`; if that sorts before the token and is not a prefix of it, so do they.
        if (after !== undefined && folder < after && !after.startsWith(folder)) continue;
        await walk(entry.key);
      } else {
        if (!entry.key.startsWith(prefix) || (after !== undefined && entry.key <= after)) continue;
        const size = await fileSize(join(root, entry.key));
        if (size === undefined) continue;
        if (items.length === limit) {
          more = true;
          return;
        }
        items.push({ key: entry.key, size });
      }
    }
  };

  const slash = prefix.lastIndexOf('/');
  await walk(slash < 0 ? '' : prefix.slice(0, slash));
  const last = items[items.length - 1];
  return more && last ? { items, nextPageToken: encodePageToken(last.key) } : { items };
}

async function sortedEntries(root: string, dirKey: string): Promise<Entry[]> {
  let dirents;
  try {
    dirents = await readdir(dirKey === '' ? root : join(root, dirKey), { withFileTypes: true });
  } catch (error) {
    if (isCode(error, 'ENOENT') || isCode(error, 'ENOTDIR')) return [];
    throw error;
  }
  const entries: Entry[] = [];
  for (const dirent of dirents) {
    // Symlinks and other special files are never objects, whatever they point at.
    if (!isKeySegment(dirent.name) || !(dirent.isFile() || dirent.isDirectory())) continue;
    const key = dirKey === '' ? dirent.name : `${dirKey}/${dirent.name}`;
    const dir = dirent.isDirectory();
    entries.push({ key, dir, order: dir ? `${key}/` : key });
  }
  return entries.sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    if (isCode(error, 'ENOENT')) return undefined; // deleted since readdir
    throw error;
  }
}

function encodePageToken(lastKey: string): string {
  return Buffer.from(lastKey).toString('base64url');
}

function decodePageToken(token: string): string {
  const key = Buffer.from(token, 'base64url').toString();
  if (key === '' || encodePageToken(key) !== token) throw new InvalidObjectKeyError(token, 'not a page token');
  return key;
}

export function isCode(error: unknown, code: string): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === code;
}
