// A part's bytes as written once: the fragment header (moof + mdat header) and the samples' payloads as
// views of the buffers they arrived in, so a media byte is not copied again after the RTMP message that
// carried it was assembled.
//
// A view pins the whole buffer under it for as long as the part lives (a few segments). A payload that is
// a small view of a larger buffer (a tag inside an HTTP-FLV read, a pooled allocation) is
// copied instead, consecutive ones together, so what a part holds stays close to its size. Views carved
// from a MediaArena slab are kept: the rest of the slab is the same stream's neighbouring media.
import { isArenaBacked, retainMedia } from '@rapidrtmp/media-core';
import type { ByteChunks } from './types.js';

/** A view is kept when it covers at least this share of the buffer under it. */
const KEEP_VIEW_SHARE = 0.5;

export interface PartChunks {
  chunks: ByteChunks;
  byteLength: number;
}

function worthKeeping(payload: Buffer): boolean {
  return payload.byteLength >= payload.buffer.byteLength * KEEP_VIEW_SHARE || isArenaBacked(payload);
}

/**
 * `fragment` is writeFragment's output: [moof, mdat header, ...sample payloads]. The two headers become
 * one buffer; kept payload views pass through; runs of payloads to copy become one buffer each.
 */
export function partChunks(fragment: readonly Buffer[]): PartChunks {
  const chunks: Buffer[] = [];
  let byteLength = 0;
  let copyFrom = 0;
  const copyUpTo = (end: number): void => {
    if (end > copyFrom) chunks.push(copyOf(fragment, copyFrom, end));
  };
  for (const [i, chunk] of fragment.entries()) {
    byteLength += chunk.byteLength;
    // The headers (0 and 1) are small fresh buffers: always copied, together with what follows them.
    if (i >= 2 && worthKeeping(chunk)) {
      copyUpTo(i);
      // The part's own reference to a pooled slab, released when the part leaves memory (SegmentWindow).
      retainMedia(chunk);
      chunks.push(chunk);
      copyFrom = i + 1;
    }
  }
  copyUpTo(fragment.length);
  return { chunks, byteLength };
}

/**
 * One buffer of its own for `fragment[from..end)`: not from Buffer's shared 8 KiB pool, which a part would
 * pin whole for as long as it lives.
 */
function copyOf(fragment: readonly Buffer[], from: number, end: number): Buffer {
  let size = 0;
  for (let i = from; i < end; i++) size += fragment[i]?.byteLength ?? 0;
  const out = Buffer.allocUnsafeSlow(size);
  let offset = 0;
  for (let i = from; i < end; i++) offset += fragment[i]?.copy(out, offset) ?? 0;
  return out;
}
