import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { parseAvcConfig } from './avc-config.js';
import { parseH264Sps } from './h264-sps.js';
import { BitWriter } from './testing/bit-writer.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

/** An SPS NAL unit built field by field (H.264 7.3.2.1.1), for the paths no fixture covers. */
function craftSps(opts: {
  profileIdc: number;
  chromaFormatIdc?: number;
  widthMbs: number;
  heightMapUnits: number;
  frameMbsOnly?: boolean;
  crop?: [number, number, number, number];
  pocType?: number;
  scalingLists?: boolean;
  vui?: (w: BitWriter) => void;
}): Buffer {
  const w = new BitWriter().bits(8, opts.profileIdc).bits(8, 0).bits(8, 40).ue(0);
  if (opts.chromaFormatIdc !== undefined) {
    w.ue(opts.chromaFormatIdc);
    if (opts.chromaFormatIdc === 3) w.flag(0);
    w.ue(0)
      .ue(0)
      .flag(0)
      .flag(opts.scalingLists ?? false);
    if (opts.scalingLists) {
      // list 0 present with a delta that makes nextScale 0 (use default), list 1..7 absent
      w.flag(1).se(-8);
      for (let i = 1; i < (opts.chromaFormatIdc === 3 ? 12 : 8); i++) w.flag(0);
    }
  }
  w.ue(0).ue(opts.pocType ?? 0);
  if ((opts.pocType ?? 0) === 0) w.ue(2);
  else if (opts.pocType === 1) w.flag(0).se(-1).se(2).ue(2).se(3).se(-3);
  w.ue(4)
    .flag(0)
    .ue(opts.widthMbs - 1)
    .ue(opts.heightMapUnits - 1)
    .flag(opts.frameMbsOnly ?? true);
  if (!(opts.frameMbsOnly ?? true)) w.flag(0);
  w.flag(1).flag(opts.crop !== undefined);
  if (opts.crop) opts.crop.forEach((v) => w.ue(v));
  w.flag(opts.vui !== undefined);
  opts.vui?.(w);
  return Buffer.concat([Buffer.from([0x67]), w.trailing().toBuffer()]);
}

describe('parseH264Sps', () => {
  it('crops x264 1920x1088 to 1920x1080 and reads VUI timing as time_scale / (2 * num_units_in_tick)', () => {
    const info = parseH264Sps(parseAvcConfig(fixture('h264-1080p-avcC.bin')).sps[0]!);
    assert.equal(info.profileIdc, 100);
    assert.equal(info.chromaFormatIdc, 1);
    assert.equal(info.codedWidth, 1920);
    assert.equal(info.codedHeight, 1088);
    assert.equal(info.width, 1920);
    assert.equal(info.height, 1080);
    assert.equal(info.frameRate, 30);
    assert.deepEqual([info.sarWidth, info.sarHeight], [1, 1]);
  });

  it('handles High 4:2:2 10-bit, scaling matrices, interlaced (field pairs) and SAR 16:11 from x264', () => {
    const info = parseH264Sps(parseAvcConfig(fixture('h264-422p10-interlaced-cqm-avcC.bin')).sps[0]!);
    assert.equal(info.profileIdc, 122);
    assert.equal(info.chromaFormatIdc, 2);
    assert.equal(info.bitDepthLuma, 10);
    assert.equal(info.bitDepthChroma, 10);
    assert.equal(info.frameMbsOnly, false);
    assert.deepEqual([info.width, info.height], [720, 576]);
    assert.deepEqual([info.sarWidth, info.sarHeight], [16, 11]);
    assert.equal(info.frameRate, 25);
  });

  it('applies CropUnitY = SubHeightC * 2 for field-coded 4:2:0 (1080i coded as 2 x 34 map units)', () => {
    const sps = craftSps({
      profileIdc: 100,
      chromaFormatIdc: 1,
      widthMbs: 120,
      heightMapUnits: 34,
      frameMbsOnly: false,
      crop: [0, 0, 0, 2],
    });
    const info = parseH264Sps(sps);
    assert.equal(info.codedHeight, 1088);
    assert.equal(info.height, 1080);
  });

  it('crops 4:4:4 in luma units and Baseline with the 4:2:0 default', () => {
    const yuv444 = parseH264Sps(
      craftSps({
        profileIdc: 244,
        chromaFormatIdc: 3,
        widthMbs: 40,
        heightMapUnits: 30,
        crop: [1, 2, 3, 4],
        scalingLists: true,
      }),
    );
    assert.deepEqual([yuv444.width, yuv444.height], [640 - 3, 480 - 7]);
    const baseline = parseH264Sps(
      craftSps({ profileIdc: 66, widthMbs: 80, heightMapUnits: 45, crop: [0, 4, 0, 0], pocType: 1 }),
    );
    assert.equal(baseline.chromaFormatIdc, 1);
    assert.deepEqual([baseline.width, baseline.height], [1280 - 8, 720]);
  });

  it('reads an Extended_SAR and fractional frame rates (29.97 = 30000 / (2 * 1001... ticks))', () => {
    const sps = craftSps({
      profileIdc: 100,
      chromaFormatIdc: 1,
      widthMbs: 45,
      heightMapUnits: 36,
      vui: (w) =>
        w
          .flag(1)
          .bits(8, 255)
          .bits(16, 64)
          .bits(16, 45)
          .flag(0)
          .flag(0)
          .flag(0)
          .flag(1)
          .bits(32, 1001)
          .bits(32, 60000)
          .flag(1),
    });
    const info = parseH264Sps(sps);
    assert.deepEqual([info.sarWidth, info.sarHeight], [64, 45]);
    assert.equal(info.frameRate?.toFixed(3), '29.970');
  });

  it('keeps the picture size when the VUI is cut short, and rejects non-SPS or broken input', () => {
    const sps = craftSps({ profileIdc: 77, widthMbs: 20, heightMapUnits: 15, vui: (w) => w.flag(1).bits(8, 255) });
    const info = parseH264Sps(sps.subarray(0, sps.length - 1));
    assert.deepEqual([info.width, info.height, info.frameRate], [320, 240, undefined]);
    assert.throws(
      () => parseH264Sps(Buffer.from([0x68, 0, 0, 0])),
      (e) => e instanceof MediaFormatError && e.code === 'h264-sps-invalid',
    );
    assert.throws(
      () => parseH264Sps(Buffer.from([0x67, 100])),
      (e) => e instanceof MediaFormatError && e.code === 'h264-sps-truncated',
    );
    const overCropped = craftSps({ profileIdc: 66, widthMbs: 1, heightMapUnits: 1, crop: [8, 0, 0, 0] });
    assert.throws(() => parseH264Sps(overCropped), /cropping leaves/);
  });
});
