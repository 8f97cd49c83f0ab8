import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { hevcCodecString, parseHevcConfig } from './hevc-config.js';
import { parseHevcSps } from './hevc-sps.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;

describe('parseHevcConfig', () => {
  it('reads the x265 Main record: general profile/tier/level, flags, arrays, conformance-window size', () => {
    const record = fixture('hevc-318x238-hvcC.bin');
    const config = parseHevcConfig(record);
    assert.equal(config.codec, 'hevc');
    assert.equal(config.record, record);
    assert.equal(config.profileSpace, 0);
    assert.equal(config.tierFlag, 0);
    assert.equal(config.profileIdc, 1);
    assert.equal(config.profileCompatibilityFlags, 0x60000000);
    assert.equal(config.constraintIndicatorFlags?.toString('hex'), '900000000000');
    assert.equal(config.levelIdc, 60);
    assert.equal(config.nalLengthSize, 4);
    assert.deepEqual([config.vps?.length, config.sps?.length, config.pps?.length], [1, 1, 1]);
    assert.equal((config.sps![0]![0]! >> 1) & 0x3f, 33);
    // x265 codes 320x240 and crops 2 luma columns/rows through the conformance window
    assert.deepEqual([config.width, config.height], [318, 238]);
    assert.deepEqual([config.chromaFormatIdc, config.bitDepthLuma, config.bitDepthChroma], [1, 8, 8]);
    assert.equal(config.codecString, 'hvc1.1.6.L60.90');
  });

  it('reads Main 10 (profile 2, compat flag 2) at level 4', () => {
    const config = parseHevcConfig(fixture('hevc-main10-720p-hvcC.bin'));
    assert.deepEqual([config.width, config.height], [1280, 720]);
    assert.deepEqual([config.bitDepthLuma, config.bitDepthChroma], [10, 10]);
    assert.equal(config.codecString, 'hvc1.2.4.L120.90');
  });

  it('exposes the SPS coded size next to the cropped one', () => {
    const sps = parseHevcSps(parseHevcConfig(fixture('hevc-318x238-hvcC.bin')).sps![0]!);
    assert.deepEqual([sps.codedWidth, sps.codedHeight, sps.width, sps.height], [320, 240, 318, 238]);
  });

  it('formats codec strings as the ISO/IEC 14496-15 Annex E examples', () => {
    const flags = (hex: string): Buffer => Buffer.from(hex.padEnd(12, '0'), 'hex');
    const main = {
      profileSpace: 0,
      profileIdc: 1,
      profileCompatibilityFlags: 0x60000000,
      tierFlag: 0,
      levelIdc: 93,
      constraintIndicatorFlags: flags('b0'),
    };
    assert.equal(hevcCodecString(main), 'hvc1.1.6.L93.B0');
    assert.equal(hevcCodecString(main, 'hev1'), 'hev1.1.6.L93.B0');
    const rext = {
      profileSpace: 1,
      profileIdc: 4,
      profileCompatibilityFlags: 0x82000000,
      tierFlag: 1,
      levelIdc: 120,
      constraintIndicatorFlags: flags('b023'),
    };
    assert.equal(hevcCodecString(rext, 'hev1'), 'hev1.A4.41.H120.B0.23');
    assert.equal(hevcCodecString({ ...main, constraintIndicatorFlags: Buffer.alloc(6) }), 'hvc1.1.6.L93');
  });

  it('fails with typed errors on version, length size, missing SPS and every truncation', () => {
    const record = fixture('hevc-318x238-hvcC.bin');
    const bad = Buffer.from(record);
    bad[0] = 0;
    assert.throws(() => parseHevcConfig(bad), code('hevc-config-version'));
    bad[0] = 1;
    bad[21] = (bad[21]! & 0xfc) | 2;
    assert.throws(() => parseHevcConfig(bad), code('hevc-config-length-size'));
    const noArrays = Buffer.concat([record.subarray(0, 22), Buffer.from([0])]);
    assert.throws(() => parseHevcConfig(noArrays), code('hevc-config-no-sps'));
    for (const length of [0, 1, 10, 22, 23, 30, 60, 100]) {
      assert.throws(() => parseHevcConfig(record.subarray(0, length)), MediaFormatError, `length ${length}`);
    }
  });
});
