import type { FileHandle } from 'node:fs/promises';

/** Writes every buffer in order; writev may write less than asked (a signal, a full disk), so go on from there. */
export async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  const parts = buffers.filter((part) => part.length > 0);
  while (parts.length > 0) {
    let { bytesWritten } = await handle.writev(parts);
    while (parts.length > 0 && bytesWritten >= parts[0]!.length) bytesWritten -= parts.shift()!.length;
    if (parts.length > 0 && bytesWritten > 0) parts[0] = parts[0]!.subarray(bytesWritten);
  }
}
