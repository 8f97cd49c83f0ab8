import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAv1Config, parseHevcConfig, readObus } from '@rapidrtmp/codecs';
import { av1TemporalUnits, hevcAccessUnits } from '@rapidrtmp/flv/testing';
import type { MediaPacket } from '@rapidrtmp/media-core';
import { keyframeInput } from './keyframe-input.js';

const fixture = (name: string) => readFileSync(new URL(`../../../media/flv/fixtures/${name}`, import.meta.url));
const keyframe = (codec: MediaPacket['codec'], payload: Buffer): MediaPacket => ({
  track: 'video',
  codec,
  dts: 0,
  pts: 0,
  keyframe: true,
  payload,
});

describe('keyframeInput: one keyframe as a stream ffmpeg 5.1 reads', () => {
  it('HEVC: Annex-B with VPS, SPS and PPS from the record before the frame’s NAL units', () => {
    const config = parseHevcConfig(fixture('hevc-hvcC.bin'));
    const input = keyframeInput(config, keyframe('hevc', hevcAccessUnits(fixture('hevc-8frames.hevc'))[0]!));
    assert.equal(input.format, 'hevc');
    const stream = Buffer.concat(input.chunks);
    const types = stream
      .toString('hex')
      .split('00000001')
      .slice(1)
      .map((nal) => (parseInt(nal.slice(0, 2), 16) >> 1) & 0x3f);
    assert.deepEqual(types.slice(0, 3), [32, 33, 34], 'VPS, SPS, PPS first');
    assert.ok(
      types.slice(3).some((type) => type >= 16 && type <= 23),
      'then an IRAP picture',
    );
  });

  it('AV1: a temporal delimiter, the record’s sequence header, then the frame’s OBUs, each with obu_size', () => {
    const config = parseAv1Config(fixture('av1-av1C.bin'));
    const unit = av1TemporalUnits(fixture('av1-8frames.obu'))[0]!;
    const sized = Buffer.concat(keyframeInput(config, keyframe('av1', unit)).chunks);
    assert.deepEqual(
      readObus(sized).map((obu) => obu.type),
      [2, 1, ...readObus(unit).map((obu) => obu.type)],
    );
    // The last OBU of an MP4/E-RTMP sample may come without obu_size: it is given one.
    const obus = readObus(unit);
    const last = obus[obus.length - 1]!;
    const headerLength = last.data.length - last.payload.length;
    const unsized = Buffer.concat([
      unit.subarray(0, unit.length - last.data.length),
      Buffer.from([last.data[0]! & ~0x02]),
      last.payload,
    ]);
    assert.ok(headerLength > 1, 'the fixture’s last OBU has a size field to take away');
    assert.deepEqual(Buffer.concat(keyframeInput(config, keyframe('av1', unsized)).chunks), sized);
  });
});
