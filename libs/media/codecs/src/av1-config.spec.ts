import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { av1CodecString, parseAv1Config } from './av1-config.js';
import { AV1_OBU, parseAv1SequenceHeader, readObus } from './av1-obu.js';
import { BitWriter } from './testing/bit-writer.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('parseAv1Config', () => {
  it('reads a libaom 10-bit record and the size from its sequence header OBU', () => {
    const record = fixture('av1-10bit-640x360-av1C.bin');
    const config = parseAv1Config(record);
    assert.equal(config.record, record);
    assert.deepEqual(
      [config.seqProfile, config.seqLevelIdx, config.tier, config.bitDepth, config.monochrome],
      [0, 1, 0, 10, false],
    );
    assert.deepEqual([config.chromaSubsamplingX, config.chromaSubsamplingY, config.chromaSamplePosition], [1, 1, 0]);
    assert.deepEqual([config.width, config.height], [640, 360]);
    assert.equal(config.codecString, 'av01.0.01M.10');
  });

  it('leaves the size 0 when configOBUs is empty (allowed by AV1-ISOBMFF 2.3.3)', () => {
    const config = parseAv1Config(Buffer.from([0x81, 0x08, 0x0c, 0x00]));
    assert.deepEqual([config.width, config.height], [0, 0]);
    assert.equal(config.codecString, 'av01.0.08M.08');
  });

  it('formats av01.P.LLT.DD', () => {
    assert.equal(av1CodecString(0, 8, 0, 8), 'av01.0.08M.08');
    assert.equal(av1CodecString(2, 13, 1, 12), 'av01.2.13H.12');
  });

  it('rejects a bad marker/version and truncation with typed errors', () => {
    assert.throws(
      () => parseAv1Config(Buffer.from([0x01, 0, 0, 0])),
      (e) => e instanceof MediaFormatError && e.code === 'av1-config-version',
    );
    const record = fixture('av1-10bit-640x360-av1C.bin');
    for (let length = 0; length < record.length; length++) {
      if (length === 4) continue; // a bare 4-byte record is valid
      assert.throws(() => parseAv1Config(record.subarray(0, length)), MediaFormatError, `length ${length}`);
    }
  });
});

describe('AV1 OBUs', () => {
  it('parses timing info, operating point tier and size from a sequence header (AV1 5.5.1)', () => {
    const w = new BitWriter().bits(3, 0).flag(0).flag(0);
    w.flag(1).bits(32, 1001).bits(32, 60000).flag(1).ue(1); // timing_info: 2 ticks per picture
    w.flag(0).flag(0).bits(5, 0).bits(12, 0).bits(5, 9).flag(1); // level 9 (4.1) carries seq_tier
    w.bits(4, 10).bits(4, 10).bits(11, 1919).bits(11, 1079);
    const header = parseAv1SequenceHeader(w.trailing().toBuffer());
    assert.deepEqual(
      [header.seqLevelIdx, header.seqTier, header.maxFrameWidth, header.maxFrameHeight],
      [9, 1, 1920, 1080],
    );
    assert.equal(header.frameRate?.toFixed(3), '29.970');
  });

  it('splits OBUs as views and rejects a set forbidden bit or an overrun', () => {
    const data = Buffer.from([0x12, 0x00, 0x0a, 0x02, 0xaa, 0xbb, 0x32, 0x01, 0xcc]);
    const obus = readObus(data);
    assert.deepEqual(
      obus.map((o) => o.type),
      [AV1_OBU.temporalDelimiter, AV1_OBU.sequenceHeader, AV1_OBU.frame],
    );
    assert.deepEqual([...obus[1]!.payload], [0xaa, 0xbb]);
    assert.equal(obus[1]!.data.buffer, data.buffer);
    assert.throws(() => readObus(Buffer.from([0x92, 0x00])), /forbidden/);
    assert.throws(
      () => readObus(Buffer.from([0x0a, 0x05, 0x00])),
      (e) => e instanceof MediaFormatError && e.code === 'av1-obu-truncated',
    );
  });
});
