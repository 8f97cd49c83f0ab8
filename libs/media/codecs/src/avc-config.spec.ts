import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { avcCodecString, parseAvcConfig } from './avc-config.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;

describe('parseAvcConfig', () => {
  it('parses an x264 High 1080p AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1)', () => {
    const record = fixture('h264-1080p-avcC.bin');
    const config = parseAvcConfig(record);
    assert.equal(config.codec, 'avc');
    assert.equal(config.record, record);
    assert.equal(config.profileIdc, 100);
    assert.equal(config.profileCompatibility, 0);
    assert.equal(config.levelIdc, 40);
    assert.equal(config.nalLengthSize, 4);
    assert.equal(config.sps.length, 1);
    assert.equal(config.pps.length, 1);
    assert.equal(config.sps[0]![0]! & 0x1f, 7);
    assert.equal(config.pps[0]![0]! & 0x1f, 8);
    assert.equal(config.sps[0]!.buffer, record.buffer, 'parameter sets are views into the record');
    assert.deepEqual([config.width, config.height, config.frameRate], [1920, 1080, 30]);
    assert.equal(config.codecString, 'avc1.640028');
  });

  it('formats avc1.PPCCLL in lower-case hex', () => {
    assert.equal(avcCodecString(66, 0xc0, 30), 'avc1.42c01e');
    assert.equal(avcCodecString(100, 0, 31), 'avc1.64001f');
  });

  it('honours lengthSizeMinusOne and rejects the invalid 3-byte size', () => {
    const record = Buffer.from(fixture('h264-1080p-avcC.bin'));
    record[4] = 0xfc | 1;
    assert.equal(parseAvcConfig(record).nalLengthSize, 2);
    record[4] = 0xfc | 2;
    assert.throws(() => parseAvcConfig(record), code('avc-config-length-size'));
  });

  it('fails with typed errors on bad version, no SPS and truncation', () => {
    const record = fixture('h264-1080p-avcC.bin');
    assert.throws(
      () => parseAvcConfig(Buffer.concat([Buffer.from([0]), record.subarray(1)])),
      code('avc-config-version'),
    );
    assert.throws(() => parseAvcConfig(Buffer.from([1, 100, 0, 40, 0xff, 0xe0, 0])), code('avc-config-no-sps'));
    for (let length = 0; length < record.length - 4; length++) {
      assert.throws(() => parseAvcConfig(record.subarray(0, length)), MediaFormatError, `length ${length}`);
    }
  });
});
