import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { fuzz } from '@rapidrtmp/codecs/testing';
import { parseAudioTag } from './audio-tag.js';
import { AUDIO_PACKET_TYPE, VIDEO_PACKET_TYPE } from './enhanced-rtmp.js';
import { FlvDemuxer } from './flv-demuxer.js';
import { FlvStreamReader, readFlvFile } from './flv-file-reader.js';
import { av1TemporalUnits, exAudioTag, exVideoTag, hevcAccessUnits } from './testing/tag-builders.js';
import { parseVideoTag } from './video-tag.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const V = VIDEO_PACKET_TYPE;
const A = AUDIO_PACKET_TYPE;

const flvTags = ['h264-high-bframes-aac.flv', 'h264-baseline-aac48k.flv'].flatMap(
  (name) => readFlvFile(fixture(name)).tags,
);
const legacyVideo = flvTags
  .filter((t) => t.type === 9)
  .slice(0, 12)
  .map((t) => t.body);
const legacyAudio = flvTags
  .filter((t) => t.type === 8)
  .slice(0, 6)
  .map((t) => t.body);
const hevcFrames = hevcAccessUnits(fixture('hevc-8frames.hevc'));
const av1Frames = av1TemporalUnits(fixture('av1-8frames.obu'));
const enhancedVideo = [
  exVideoTag({ frameType: 1, packetType: V.sequenceStart, fourCc: 'hvc1', data: fixture('hevc-hvcC.bin') }),
  exVideoTag({ frameType: 1, packetType: V.codedFrames, fourCc: 'hvc1', cts: 33, data: hevcFrames[0]! }),
  exVideoTag({ frameType: 2, packetType: V.codedFramesX, fourCc: 'hvc1', data: hevcFrames[1]! }),
  exVideoTag({ frameType: 1, packetType: V.sequenceStart, fourCc: 'av01', data: fixture('av1-av1C.bin') }),
  exVideoTag({ frameType: 1, packetType: V.codedFrames, fourCc: 'av01', data: av1Frames[1]!.subarray(0, 200) }),
  exVideoTag({
    frameType: 1,
    packetType: V.sequenceStart,
    fourCc: 'vp09',
    data: Buffer.from('010000000014820202020000', 'hex'),
  }),
  exVideoTag({
    frameType: 1,
    packetType: V.codedFrames,
    fourCc: 'hvc1',
    cts: 1,
    data: Buffer.from([0, 0, 0, 2, 0x26, 1]),
    modEx: { type: 0, data: Buffer.from([1, 2, 3]) },
  }),
];
const opusHead = Buffer.concat([
  Buffer.from('OpusHead', 'latin1'),
  Buffer.from([1, 2, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]),
]);
const enhancedAudio = [
  exAudioTag(A.sequenceStart, 'Opus', opusHead),
  exAudioTag(A.codedFrames, 'Opus', Buffer.from([0xfc, 0xff, 0xfe])),
  exAudioTag(A.sequenceStart, 'mp4a', Buffer.from('2b118800', 'hex')),
  exAudioTag(A.sequenceEnd, 'mp4a', Buffer.alloc(0)),
];

describe('FLV parsing under fuzzing', () => {
  it('tag parsers and a long-lived demuxer throw nothing but MediaFormatError (seeded, ~1.2 s)', () => {
    const demuxer = new FlvDemuxer();
    let timestamp = 0;
    const { runs } = fuzz({
      seed: 0xf1f0,
      corpus: [...legacyVideo, ...legacyAudio, ...enhancedVideo, ...enhancedAudio],
      budgetMs: 1200,
      maxRuns: 200_000,
      target: (body) => {
        timestamp += 17;
        const video = (body[0]! & 0x80) !== 0 || (body[0]! & 0x0f) === 7 || (body[0]! & 0x0f) === 12;
        for (const parse of [parseVideoTag, parseAudioTag]) {
          try {
            parse(body);
          } catch (error) {
            if (!(error instanceof MediaFormatError)) throw error;
          }
        }
        if (video) demuxer.pushVideo(timestamp, body);
        else demuxer.pushAudio(timestamp, body);
      },
    });
    assert.ok(runs > 1000, `only ${runs} runs`);
    // the demuxer survived thousands of bad tags and still takes good ones
    demuxer.pushVideo(timestamp, legacyVideo[0]!);
    assert.equal(demuxer.pushVideo(timestamp + 1, legacyVideo[1]!)?.type, 'packet');
  });

  it('readFlvFile throws nothing but MediaFormatError on mutated files (seeded, ~0.3 s)', () => {
    const { runs } = fuzz({
      seed: 0xf11e,
      corpus: [fixture('aac-only.flv')],
      budgetMs: 300,
      maxRuns: 5000,
      target: (file) => void readFlvFile(file),
    });
    assert.ok(runs > 50, `only ${runs} runs`);
  });

  it('FlvStreamReader throws nothing but MediaFormatError and holds at most one tag (seeded, ~0.3 s)', () => {
    let split = 1;
    const { runs } = fuzz({
      seed: 0xf15e,
      corpus: [fixture('aac-only.flv'), fixture('h264-baseline-aac48k.flv').subarray(0, 8000)],
      budgetMs: 300,
      maxRuns: 5000,
      target: (file) => {
        const reader = new FlvStreamReader(4096);
        split = (split * 7 + 3) % 1500;
        for (let at = 0; at < file.length; at += split + 1) {
          reader.push(file.subarray(at, at + split + 1));
          assert.ok(reader.bufferedBytes <= 4096 + 1500 + 15, `${reader.bufferedBytes} bytes held`);
        }
      },
    });
    assert.ok(runs > 50, `only ${runs} runs`);
  });
});
