import type { ByteChunks } from '@rapidrtmp/hls';

export function chunksLength(chunks: ByteChunks): number {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  return length;
}

/** Bytes `start..end` (inclusive) of the chunks, as views: nothing is copied. */
export function sliceChunks(chunks: ByteChunks, start: number, end: number): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const chunkEnd = offset + chunk.length;
    if (chunkEnd > start && offset <= end) {
      out.push(chunk.subarray(Math.max(0, start - offset), Math.min(chunk.length, end + 1 - offset)));
    }
    offset = chunkEnd;
    if (offset > end) break;
  }
  return out;
}
