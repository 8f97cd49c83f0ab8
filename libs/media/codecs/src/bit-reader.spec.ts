import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { BitReader, removeEmulationPrevention } from './bit-reader.js';
import { BitWriter } from './testing/bit-writer.js';

describe('BitReader', () => {
  it('reads fixed-width fields MSB first, up to 32 bits without going negative', () => {
    const r = new BitReader(Buffer.from([0b1010_1100, 0xff, 0xff, 0xff, 0xff]));
    assert.equal(r.bits(3), 0b101);
    assert.equal(r.bits(5), 0b01100);
    assert.equal(r.bits(32), 0xffffffff);
    assert.equal(r.bitsLeft, 0);
  });

  it('decodes Exp-Golomb ue(v)/se(v) per H.264 9.1 (Table 9-2 and 9-3)', () => {
    // codeNum 0..8 and the se mapping 0, 1, -1, 2, -2, 3, -3, 4, -4
    const w = new BitWriter();
    for (let k = 0; k <= 8; k++) w.ue(k);
    w.ue(65535).ue(2 ** 31);
    const r = new BitReader(w.trailing().toBuffer());
    assert.deepEqual(
      [...Array(9)].map(() => r.ue()),
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.equal(r.ue(), 65535);
    assert.equal(r.ue(), 2 ** 31);
    const s = new BitReader(Buffer.from([0b1_010_011_0, 0b0100_0010, 0b1000_0000]));
    assert.deepEqual([s.se(), s.se(), s.se(), s.se(), s.se()], [0, 1, -1, 2, -2]);
  });

  it('fails with its typed error code past the end and on over-long codes', () => {
    const r = new BitReader(Buffer.from([0x00]), 'test-truncated');
    assert.throws(
      () => r.ue(),
      (e) => e instanceof MediaFormatError && e.code === 'test-truncated',
    );
    const long = new BitReader(Buffer.alloc(8), 'x');
    assert.throws(() => long.ue(), /longer than 32 bits/);
    assert.throws(() => new BitReader(Buffer.alloc(1)).bits(9), MediaFormatError);
  });

  it('reads leb128 and uvlc as AV1 4.10 defines them', () => {
    const r = new BitReader(Buffer.from([0xe5, 0x8e, 0x26, 0x05]));
    assert.equal(r.leb128(), 624485);
    assert.equal(r.leb128(), 5);
    assert.throws(() => new BitReader(Buffer.alloc(9, 0x80)).leb128(), MediaFormatError);
    const u = new BitReader(Buffer.from([0b0010_1000]));
    assert.equal(u.uvlc(), 4);
  });
});

describe('removeEmulationPrevention', () => {
  it('returns the same buffer when there is nothing to remove', () => {
    const nal = Buffer.from([0x67, 0x64, 0x00, 0x1f, 0x00, 0x00, 0x01]);
    assert.equal(removeEmulationPrevention(nal), nal);
  });

  it('drops every 03 of 00 00 03, including back-to-back ones, and keeps a lone 03', () => {
    const nal = Buffer.from([0x67, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x01, 0x03, 0x00, 0x00, 0x03]);
    assert.deepEqual([...removeEmulationPrevention(nal)], [0x67, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00, 0x00]);
  });
});
