import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { BitWriter } from './testing/bit-writer.js';
import { parseVp9Config, readVp9KeyframeSize } from './vp9-config.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('parseVp9Config', () => {
  it('reads the libvpx vpcC FullBox payload and the same record without its version/flags', () => {
    const withHeader = fixture('vp9-vpcC.bin');
    for (const record of [withHeader, withHeader.subarray(4)]) {
      const config = parseVp9Config(record);
      assert.deepEqual(
        [config.profile, config.level, config.bitDepth, config.chromaSubsampling, config.fullRange],
        [0, 20, 8, 1, false],
      );
      assert.equal(config.codecString, 'vp09.00.20.08');
      assert.deepEqual([config.width, config.height], [0, 0]);
    }
  });

  it('rejects short or impossible records', () => {
    assert.throws(() => parseVp9Config(Buffer.alloc(5)), MediaFormatError);
    assert.throws(() => parseVp9Config(Buffer.from([0, 10, 0x50, 0, 0, 0, 0, 0])), /bit depth 5/);
  });

  it('reads the frame size from a keyframe uncompressed header only', () => {
    const key = new BitWriter().bits(2, 2).bits(2, 0).flag(0).flag(0).flag(1).flag(0).bits(24, 0x498342);
    key.bits(3, 1).flag(0).bits(16, 319).bits(16, 239);
    assert.deepEqual(readVp9KeyframeSize(key.trailing().toBuffer()), { width: 320, height: 240 });
    const inter = new BitWriter().bits(2, 2).bits(2, 0).flag(0).flag(1).trailing().toBuffer();
    assert.equal(readVp9KeyframeSize(inter), undefined);
    assert.throws(() => readVp9KeyframeSize(Buffer.from([0x00])), /frame_marker/);
  });
});
