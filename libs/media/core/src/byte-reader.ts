import { MediaFormatError } from './media-error.js';

/**
 * Sequential big-endian reader over a Buffer that fails with a typed error instead of reading past
 * the end. Sub-views share memory with the source buffer.
 */
export class ByteReader {
  private offset = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly errorCode = 'truncated',
  ) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private need(bytes: number): number {
    if (bytes < 0 || this.offset + bytes > this.buffer.length) {
      throw new MediaFormatError(
        this.errorCode,
        `need ${bytes} bytes at offset ${this.offset}, have ${this.remaining}`,
      );
    }
    const at = this.offset;
    this.offset += bytes;
    return at;
  }

  u8(): number {
    return this.buffer.readUInt8(this.need(1));
  }

  u16(): number {
    return this.buffer.readUInt16BE(this.need(2));
  }

  u24(): number {
    return this.buffer.readUIntBE(this.need(3), 3);
  }

  i24(): number {
    return this.buffer.readIntBE(this.need(3), 3);
  }

  u32(): number {
    return this.buffer.readUInt32BE(this.need(4));
  }

  f64(): number {
    return this.buffer.readDoubleBE(this.need(8));
  }

  /** A view of the next `length` bytes (no copy). */
  bytes(length: number): Buffer {
    const at = this.need(length);
    return this.buffer.subarray(at, at + length);
  }

  skip(length: number): void {
    this.need(length);
  }

  /** The rest of the buffer as a view (no copy). */
  rest(): Buffer {
    return this.bytes(this.remaining);
  }
}
