import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { writeInitSegment } from './init-segment.js';
import { aacConfig, avcConfigFromRecord } from './testing/codec-configs.js';
import { loadClip } from './testing/clip.js';
import { ascFromEsds, findBox, parseMp4, walkBoxes } from './testing/mp4-inspect.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('writeInitSegment', () => {
  const clip = loadClip(fixture('avc-aac.mp4'));
  const init = writeInitSegment(clip.map(({ id, timescale, config }) => ({ id, timescale, config })));

  it('writes ftyp iso6 with CMAF brands and a fragmented moov mp4box.js accepts', () => {
    const { info, errors } = parseMp4(init);
    assert.deepEqual(errors, []);
    assert.deepEqual(info.brands, ['iso6', 'iso6', 'cmfc', 'mp41', 'dash']);
    assert.equal(info.isFragmented, true);
    assert.equal(info.tracks.length, 2);
    const [video, audio] = info.tracks;
    assert.ok(video);
    assert.ok(audio);
    assert.equal(video.codec, 'avc1.640009');
    assert.equal(video.timescale, 15360);
    assert.equal(video.video?.width, 96);
    assert.equal(video.video?.height, 64);
    assert.equal(video.nb_samples, 0);
    assert.equal(audio.codec, 'mp4a.40.2');
    assert.equal(audio.timescale, 44100);
    assert.equal(audio.audio?.sample_rate, 44100);
    assert.equal(audio.audio?.channel_count, 1);
  });

  it('carries the avcC record and the AudioSpecificConfig byte for byte', () => {
    const source = fixture('avc-aac.mp4');
    assert.deepEqual(findBox(init, 'avcC').body, findBox(source, 'avcC').body);
    assert.deepEqual(ascFromEsds(findBox(init, 'esds').body), ascFromEsds(findBox(source, 'esds').body));
  });

  it('has one trex per track, empty sample tables and next_track_ID past the last track', () => {
    const boxes = walkBoxes(init);
    const types = boxes.map((b) => b.type);
    assert.deepEqual(types.slice(0, 3), ['ftyp', 'moov', 'mvhd']);
    assert.equal(types.filter((t) => t === 'trex').length, 2);
    for (const table of ['stts', 'stsc', 'stco']) {
      for (const box of boxes.filter((b) => b.type === table)) assert.equal(box.body.readUInt32BE(4), 0);
    }
    const mvhd = boxes.find((b) => b.type === 'mvhd')!;
    assert.equal(mvhd.body.readUInt32BE(mvhd.body.length - 4), 3);
    const trex = boxes.filter((b) => b.type === 'trex').map((b) => b.body.readUInt32BE(4));
    assert.deepEqual(trex, [1, 2]);
  });

  it('applies the sample aspect ratio to the tkhd display width and writes pasp', () => {
    const record = findBox(fixture('avc-aac.mp4'), 'avcC').body;
    const config = { ...avcConfigFromRecord(record, 96, 64), sarWidth: 4, sarHeight: 3 };
    const bytes = writeInitSegment([{ id: 1, timescale: 90000, config }]);
    const tkhd = findBox(bytes, 'tkhd').body;
    assert.equal(tkhd.readUInt32BE(tkhd.length - 8) / 0x10000, 128);
    assert.equal(tkhd.readUInt32BE(tkhd.length - 4) / 0x10000, 64);
    const pasp = findBox(bytes, 'pasp').body;
    assert.deepEqual([pasp.readUInt32BE(0), pasp.readUInt32BE(4)], [4, 3]);
  });

  it('writes btrt only when bitrates are given', () => {
    const asc = ascFromEsds(findBox(fixture('avc-aac.mp4'), 'esds').body);
    const config = aacConfig(asc, 44100, 1);
    const without = writeInitSegment([{ id: 1, timescale: 44100, config }]);
    assert.equal(
      walkBoxes(without).some((b) => b.type === 'btrt'),
      false,
    );
    const bitrate = { bufferSizeDB: 1500, maxBitrate: 64000, avgBitrate: 48000 };
    const withRate = writeInitSegment([{ id: 1, timescale: 44100, config, bitrate }]);
    const btrt = findBox(withRate, 'btrt').body;
    assert.deepEqual([btrt.readUInt32BE(0), btrt.readUInt32BE(4), btrt.readUInt32BE(8)], [1500, 64000, 48000]);
    assert.equal(parseMp4(withRate).info.tracks[0]!.codec, 'mp4a.40.2');
  });

  it('encodes descriptor sizes above 127 bytes in several bytes (ISO/IEC 14496-1 8.3.3)', () => {
    const asc = Buffer.concat([Buffer.from([0x12, 0x08]), Buffer.alloc(200, 0)]);
    const bytes = writeInitSegment([{ id: 1, timescale: 44100, config: aacConfig(asc, 44100, 1) }]);
    assert.deepEqual(ascFromEsds(findBox(bytes, 'esds').body), asc);
    assert.equal(parseMp4(bytes).info.tracks[0]!.codec, 'mp4a.40.2');
  });

  for (const [name, codecs, brand] of [
    ['hevc.mp4', 'hvcC', 'hvc1'],
    ['av1.mp4', 'av1C', 'av01'],
    ['vp9.mp4', 'vpcC', undefined],
    ['opus.mp4', 'dOps', undefined],
  ] as const) {
    it(`writes a ${codecs} sample entry mp4box.js reads back to the source codec string (${name})`, () => {
      const source = fixture(name);
      const [track] = loadClip(source);
      assert.ok(track);
      const bytes = writeInitSegment([{ id: 1, timescale: track.timescale, config: track.config }]);
      const { info, errors } = parseMp4(bytes);
      assert.deepEqual(errors, []);
      assert.equal(info.tracks[0]!.codec, track.sourceCodec);
      assert.deepEqual(findBox(bytes, codecs).body, findBox(source, codecs).body);
      if (brand) assert.ok(info.brands.includes(brand));
    });
  }

  it('accepts a vpcC record with or without its FullBox header', () => {
    const [track] = loadClip(fixture('vp9.mp4'));
    assert.ok(track);
    assert.equal(track.config.codec, 'vp9');
    const withHeader = Buffer.concat([Buffer.from([1, 0, 0, 0]), track.config.record]);
    const a = writeInitSegment([{ id: 1, timescale: 90000, config: track.config }]);
    const b = writeInitSegment([{ id: 1, timescale: 90000, config: { ...track.config, record: withHeader } }]);
    assert.deepEqual(a, b);
  });

  it('rejects bad track lists with typed errors', () => {
    const [track] = loadClip(fixture('opus.mp4'));
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return e instanceof MediaFormatError ? e.code : 'untyped';
      }
      return undefined;
    };
    assert.equal(
      code(() => writeInitSegment([])),
      'fmp4-no-tracks',
    );
    const t = { id: 1, timescale: 48000, config: track!.config };
    assert.equal(
      code(() => writeInitSegment([t, t])),
      'fmp4-track-id-invalid',
    );
    assert.equal(
      code(() => writeInitSegment([{ ...t, timescale: 0 }])),
      'fmp4-timescale-invalid',
    );
  });
});
