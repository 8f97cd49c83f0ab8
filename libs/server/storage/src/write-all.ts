import type { FileHandle } from 'node:fs/promises';

/** Writes every buffer in order; writev may write less than asked (a signal, a full disk), so go on from there. */
export async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  const parts = buffers.filter((part) => part.length > 0);
  while (parts.length > 0) {
    let { bytesWritten } = await handle.writev(parts);
    for (let first = parts[0]; first && bytesWritten >= first.length; first = parts[0]) {
      bytesWritten -= first.length;
      parts.shift();
    }
    const partial = parts[0];
    if (partial && bytesWritten > 0) parts[0] = partial.subarray(bytesWritten);
  }
}
