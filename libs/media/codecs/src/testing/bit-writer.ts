/**
 * MSB-first bit writer for specs that craft bitstreams (SPS variants, AudioSpecificConfigs) which no
 * encoder at hand produces. Not part of the package API.
 */
export class BitWriter {
  private readonly bitsOut: number[] = [];

  bits(count: number, value: number): this {
    for (let i = count - 1; i >= 0; i--) this.bitsOut.push(Math.floor(value / 2 ** i) % 2);
    return this;
  }

  flag(value: boolean | number): this {
    return this.bits(1, value ? 1 : 0);
  }

  /** ue(v), H.264 9.1. */
  ue(value: number): this {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    return this.bits(length, 0).bits(length + 1, code);
  }

  /** se(v), H.264 9.1.1. */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** rbsp_trailing_bits: a one, then zeros to the byte boundary. */
  trailing(): this {
    this.bits(1, 1);
    while (this.bitsOut.length % 8 !== 0) this.bitsOut.push(0);
    return this;
  }

  toBuffer(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.bitsOut.length / 8));
    this.bitsOut.forEach((bit, i) => {
      if (bit) out[i >> 3]! |= 0x80 >> (i & 7);
    });
    return out;
  }
}
