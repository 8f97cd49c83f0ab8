import { sep } from 'node:path';

/**
 * Folders a local store made or saw exist, so a put into one skips `mkdir -p` (a syscall per put).
 * Only a hint: a folder removed behind the store's back shows up as ENOENT on open, and the put makes it again.
 * Bounded, least recently used out first (a Map iterates in insertion order; a hit moves the folder to the end).
 */
export class KnownFolders {
  private readonly folders = new Map<string, true>();

  constructor(readonly limit = 1024) {}

  get size(): number {
    return this.folders.size;
  }

  has(folder: string): boolean {
    if (!this.folders.delete(folder)) return false;
    this.folders.set(folder, true);
    return true;
  }

  add(folder: string): void {
    this.folders.delete(folder);
    this.folders.set(folder, true);
    if (this.folders.size <= this.limit) return;
    const [oldest] = this.folders.keys();
    if (oldest !== undefined) this.folders.delete(oldest);
  }

  /** The folder is gone, and so is everything under it. */
  forget(folder: string): void {
    this.folders.delete(folder);
    const under = folder + sep;
    for (const known of this.folders.keys()) if (known.startsWith(under)) this.folders.delete(known);
  }
}
