import { MediaFormatError } from '@rapidrtmp/media-core';
import { ByteWriter } from './byte-writer.js';
import type { FourCC } from './fourcc.js';

/**
 * A box as plain data (mediabunny style): the box functions build a tree of these, and
 * `serializeBoxes` measures it and writes it once into a single Buffer.
 */
export interface Box {
  type: FourCC;
  /** Present for a FullBox (ISO/IEC 14496-12 4.2): 8-bit version and 24-bit flags follow the header. */
  version?: number;
  flags?: number;
  /** Byte length of the fields `write` emits (after the header, before the children). */
  bodySize?: number;
  write?: (w: ByteWriter) => void;
  children?: readonly Box[];
}

const HEADER_SIZE = 8;
const FULL_BOX_EXTRA = 4;

export function boxSize(box: Box): number {
  let size = HEADER_SIZE + (box.version === undefined ? 0 : FULL_BOX_EXTRA) + (box.bodySize ?? 0);
  if (box.children) for (const child of box.children) size += boxSize(child);
  return size;
}

/** A box whose body is a record written verbatim (avcC, hvcC, av1C: the codec owns its layout). */
export function rawBox(type: FourCC, body: Uint8Array): Box {
  return { type, bodySize: body.length, write: (w) => w.bytes(body) };
}

function writeBox(w: ByteWriter, box: Box): void {
  const start = w.offset;
  const size = boxSize(box);
  w.u32(size);
  w.u32(box.type);
  if (box.version !== undefined) {
    w.u8(box.version);
    w.u24(box.flags ?? 0);
  }
  const bodyStart = w.offset;
  box.write?.(w);
  if (w.offset - bodyStart !== (box.bodySize ?? 0)) {
    // A box function declared a body size it did not write: a bug here, never bad input.
    throw new MediaFormatError('fmp4-box-size-mismatch', `box ${box.type.toString(16)} wrote ${w.offset - bodyStart}`);
  }
  if (box.children) for (const child of box.children) writeBox(w, child);
  if (w.offset - start !== size) throw new MediaFormatError('fmp4-box-size-mismatch');
}

/** Measures the boxes, allocates once and writes them in order. */
export function serializeBoxes(boxes: readonly Box[]): Buffer {
  let total = 0;
  for (const box of boxes) total += boxSize(box);
  const w = new ByteWriter(Buffer.allocUnsafe(total));
  for (const box of boxes) writeBox(w, box);
  return w.buffer;
}
