import { MediaFormatError } from '@rapidrtmp/media-core';

/**
 * MSB-first bit reader over a Buffer, with the Exp-Golomb codes of H.264 9.1 / H.265 9.2. Reading past
 * the end is a typed `MediaFormatError(errorCode)`, never a RangeError or a silent zero.
 */
export class BitReader {
  private bitOffset = 0;

  constructor(
    private readonly buffer: Buffer,
    private readonly errorCode = 'bitstream-truncated',
  ) {}

  get bitsLeft(): number {
    return this.buffer.length * 8 - this.bitOffset;
  }

  get bitPosition(): number {
    return this.bitOffset;
  }

  private fail(message: string): never {
    throw new MediaFormatError(this.errorCode, message);
  }

  /** Reads `count` bits (0..32) as an unsigned number. */
  bits(count: number): number {
    if (count > this.bitsLeft) this.fail(`need ${count} bits at bit ${this.bitOffset}, have ${this.bitsLeft}`);
    let value = 0;
    for (let remaining = count; remaining > 0;) {
      const byte = this.buffer.readUInt8(this.bitOffset >>> 3); // in range: bitsLeft checked above
      const used = this.bitOffset & 7;
      const take = Math.min(8 - used, remaining);
      const chunk = (byte >>> (8 - used - take)) & ((1 << take) - 1);
      // Multiply instead of shifting so 32-bit values stay positive.
      value = value * (1 << take) + chunk;
      remaining -= take;
      this.bitOffset += take;
    }
    return value;
  }

  bit(): number {
    return this.bits(1);
  }

  flag(): boolean {
    return this.bits(1) === 1;
  }

  skip(count: number): void {
    if (count > this.bitsLeft) this.fail(`cannot skip ${count} bits at bit ${this.bitOffset}`);
    this.bitOffset += count;
  }

  /** ue(v), H.264 9.1: leading zeros, a one, then as many info bits. Values past 2^32 - 2 are rejected. */
  ue(): number {
    let leadingZeros = 0;
    while (this.bit() === 0) {
      if (++leadingZeros > 31) this.fail('exp-Golomb code longer than 32 bits');
    }
    return 2 ** leadingZeros - 1 + this.bits(leadingZeros);
  }

  /** se(v), H.264 9.1.1: k = ue(v) maps to (-1)^(k+1) * ceil(k / 2). */
  se(): number {
    const k = this.ue();
    if (k % 2 === 1) return (k + 1) / 2;
    return k === 0 ? 0 : -(k / 2); // not -0
  }

  /** leb128(), AV1 4.10.5: little-endian base-128, at most 8 bytes, value < 2^32. */
  leb128(): number {
    let value = 0;
    for (let i = 0; i < 8; i++) {
      const byte = this.bits(8);
      value += (byte & 0x7f) * 2 ** (7 * i);
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) this.fail('leb128 value exceeds 32 bits');
        return value;
      }
    }
    this.fail('leb128 longer than 8 bytes');
  }

  /** uvlc(), AV1 4.10.3. */
  uvlc(): number {
    let leadingZeros = 0;
    while (this.bit() === 0) {
      if (++leadingZeros >= 32) this.fail('uvlc code longer than 32 bits');
    }
    return 2 ** leadingZeros - 1 + this.bits(leadingZeros);
  }
}

/**
 * NAL unit payload -> RBSP: drops each emulation_prevention_three_byte of `00 00 03` (H.264 7.4.1,
 * H.265 7.4.2). Returns the input itself when there is none (the usual case for short parameter sets),
 * otherwise one new Buffer.
 */
export function removeEmulationPrevention(nal: Buffer): Buffer {
  let first = -1;
  for (let i = 2; i < nal.length; i++) {
    if (nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) {
      first = i;
      break;
    }
  }
  if (first < 0) return nal;
  const out = Buffer.allocUnsafe(nal.length);
  nal.copy(out, 0, 0, first);
  let written = first;
  let zeros = 0;
  for (let i = first + 1; i < nal.length; i++) {
    const byte = nal.readUInt8(i);
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out[written++] = byte;
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, written);
}
