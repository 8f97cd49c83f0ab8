import { AmfError } from './amf-error.js';
import type { AmfLimits } from './amf-limits.js';

/**
 * Big-endian reader over one input buffer that also carries the decode budget (depth, value count),
 * so AMF0 and the AMF3 values nested in it share one set of limits.
 */
export class AmfCursor {
  position = 0;
  private depth = 0;
  private values = 0;

  constructor(
    readonly buffer: Buffer,
    readonly limits: AmfLimits,
  ) {
    if (buffer.length > limits.maxTotalBytes) {
      throw new AmfError('amf-input-too-large', `${buffer.length} bytes > ${limits.maxTotalBytes}`);
    }
  }

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  private take(length: number): number {
    if (length > this.remaining) {
      throw new AmfError('amf-truncated', `need ${length} bytes at ${this.position}, have ${this.remaining}`);
    }
    const at = this.position;
    this.position += length;
    return at;
  }

  peekU8(): number {
    if (this.remaining < 1) throw new AmfError('amf-truncated', `need 1 byte at ${this.position}`);
    return this.buffer.readUInt8(this.position);
  }

  u8(): number {
    return this.buffer.readUInt8(this.take(1));
  }

  u16(): number {
    return this.buffer.readUInt16BE(this.take(2));
  }

  s16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }

  u32(): number {
    return this.buffer.readUInt32BE(this.take(4));
  }

  f64(): number {
    return this.buffer.readDoubleBE(this.take(8));
  }

  /** A view of the next `length` bytes, checked against the string/byte-array limit. */
  bytes(length: number): Buffer {
    this.checkLength(length);
    const at = this.take(length);
    return this.buffer.subarray(at, at + length);
  }

  utf8(length: number): string {
    this.checkLength(length);
    const at = this.take(length);
    return this.buffer.toString('utf8', at, at + length);
  }

  private checkLength(length: number): void {
    if (length > this.limits.maxStringLength) {
      throw new AmfError('amf-string-too-long', `${length} bytes > ${this.limits.maxStringLength}`);
    }
  }

  /** Counts one decoded value against `maxValues`. */
  countValue(): void {
    if (++this.values > this.limits.maxValues) {
      throw new AmfError('amf-too-many-values', `more than ${this.limits.maxValues} values`);
    }
  }

  /** Call around decoding the members of a container. */
  enter(): void {
    if (++this.depth > this.limits.maxDepth) {
      throw new AmfError('amf-depth-exceeded', `nesting deeper than ${this.limits.maxDepth}`);
    }
  }

  leave(): void {
    this.depth--;
  }

  checkEntries(count: number): void {
    if (count > this.limits.maxEntries) {
      throw new AmfError('amf-too-many-entries', `${count} entries > ${this.limits.maxEntries}`);
    }
  }
}
