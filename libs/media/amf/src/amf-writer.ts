import { AmfError } from './amf-error.js';

/** Appends big-endian fields to a list of small buffers, joined once at the end. */
export class AmfWriter {
  private readonly parts: Buffer[] = [];
  private depth = 0;

  constructor(private readonly maxDepth = 32) {}

  u8(value: number): void {
    this.parts.push(Buffer.of(value));
  }

  u16(value: number): void {
    const part = Buffer.allocUnsafe(2);
    part.writeUInt16BE(value);
    this.parts.push(part);
  }

  s16(value: number): void {
    const part = Buffer.allocUnsafe(2);
    part.writeInt16BE(value);
    this.parts.push(part);
  }

  u32(value: number): void {
    const part = Buffer.allocUnsafe(4);
    part.writeUInt32BE(value);
    this.parts.push(part);
  }

  f64(value: number): void {
    const part = Buffer.allocUnsafe(8);
    part.writeDoubleBE(value);
    this.parts.push(part);
  }

  raw(bytes: Buffer): void {
    this.parts.push(bytes);
  }

  /** Guards recursion: a cyclic value would otherwise recurse until the stack overflows. */
  enter(): void {
    if (++this.depth > this.maxDepth) throw new AmfError('amf-depth-exceeded', 'value nested too deep (or cyclic)');
  }

  leave(): void {
    this.depth--;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** What kind of JS value this is, for the encoders' dispatch. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
