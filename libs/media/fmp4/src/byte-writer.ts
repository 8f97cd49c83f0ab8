/**
 * Big-endian writer over one preallocated Buffer. Box bodies write through it straight into the final
 * output, so a segment header is serialized without intermediate buffers.
 */
export class ByteWriter {
  offset = 0;

  constructor(readonly buffer: Buffer) {}

  u8(value: number): void {
    this.buffer[this.offset++] = value;
  }

  u16(value: number): void {
    this.buffer.writeUInt16BE(value, this.offset);
    this.offset += 2;
  }

  i16(value: number): void {
    this.buffer.writeInt16BE(value, this.offset);
    this.offset += 2;
  }

  u24(value: number): void {
    this.buffer.writeUIntBE(value, this.offset, 3);
    this.offset += 3;
  }

  u32(value: number): void {
    this.buffer.writeUInt32BE(value, this.offset);
    this.offset += 4;
  }

  i32(value: number): void {
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
  }

  /** An unsigned integer up to 2^53 - 1 as a 64-bit field (high word, then low word). */
  u64(value: number): void {
    this.u32(Math.floor(value / 0x1_0000_0000));
    this.u32(value >>> 0);
  }

  bytes(data: Uint8Array): void {
    this.buffer.set(data, this.offset);
    this.offset += data.length;
  }

  zeros(count: number): void {
    this.buffer.fill(0, this.offset, this.offset + count);
    this.offset += count;
  }
}
