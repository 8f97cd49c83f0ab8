import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { VIDEO_PACKET_TYPE } from './enhanced-rtmp.js';
import { readFlvFile } from './flv-file-reader.js';
import { exVideoTag, legacyVideoTag } from './testing/tag-builders.js';
import { parseVideoTag } from './video-tag.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;
const data = Buffer.from([0, 0, 0, 2, 0x26, 0x01]);

describe('parseVideoTag: legacy FLV VideoTagHeader', () => {
  const videoTags = readFlvFile(fixture('h264-high-bframes-aac.flv')).tags.filter((t) => t.type === 9);

  it('reads the AVC sequence header and a coded frame from ffmpeg, payloads as views', () => {
    const header = parseVideoTag(videoTags[0]!.body);
    assert.deepEqual(
      [header.enhanced, header.frameType, header.codec, header.codecTag, header.packetType],
      [false, 1, 'avc', '7', 'sequence-start'],
    );
    assert.equal(header.payload[0], 1, 'AVCDecoderConfigurationRecord version');
    const frame = parseVideoTag(videoTags[1]!.body);
    assert.deepEqual([frame.packetType, frame.frameType, frame.compositionTime], ['coded-frames', 1, 67]);
    assert.equal(frame.payload.buffer, videoTags[1]!.body.buffer);
    assert.equal(frame.payload.byteOffset, videoTags[1]!.body.byteOffset + 5);
    assert.equal(parseVideoTag(videoTags[videoTags.length - 1]!.body).packetType, 'sequence-end');
  });

  it('keeps negative and extreme signed 24-bit composition times', () => {
    for (const cts of [-33, -8388608, 8388607]) {
      assert.equal(parseVideoTag(legacyVideoTag({ key: false, packetType: 1, cts, data })).compositionTime, cts);
    }
  });

  it('accepts the non-standard legacy HEVC codec id 12 with the AVC layout', () => {
    const tag = parseVideoTag(legacyVideoTag({ key: true, codecId: 12, packetType: 1, cts: 40, data }));
    assert.deepEqual(
      [tag.codec, tag.codecTag, tag.compositionTime, tag.payload.length],
      ['hevc', '12', 40, data.length],
    );
  });

  it('reports other codec ids as unsupported and reads command frames', () => {
    const h263 = parseVideoTag(Buffer.from([0x22, 0xaa]));
    assert.deepEqual([h263.codec, h263.codecTag, h263.packetType], [undefined, '2', 'coded-frames']);
    const command = parseVideoTag(Buffer.from([0x57, 0x01]));
    assert.deepEqual([command.packetType, command.command], ['command', 1]);
  });

  it('fails with typed errors on truncation, reserved frame types and AVCPacketType > 2', () => {
    assert.throws(() => parseVideoTag(Buffer.alloc(0)), code('flv-video-truncated'));
    assert.throws(() => parseVideoTag(Buffer.from([0x17, 0x01, 0x00])), code('flv-video-truncated'));
    assert.throws(() => parseVideoTag(Buffer.from([0x07, 0x01, 0, 0, 0])), code('flv-video-frame-type'));
    assert.throws(() => parseVideoTag(Buffer.from([0x17, 0x03, 0, 0, 0])), code('flv-video-packet-type'));
  });
});

describe('parseVideoTag: Enhanced RTMP ExVideoTagHeader', () => {
  const P = VIDEO_PACKET_TYPE;

  it('reads hvc1 SequenceStart, CodedFrames (with SI24 CTS) and CodedFramesX (CTS implicitly 0)', () => {
    const start = parseVideoTag(exVideoTag({ frameType: 1, packetType: P.sequenceStart, fourCc: 'hvc1', data }));
    assert.deepEqual(
      [start.enhanced, start.codec, start.codecTag, start.packetType],
      [true, 'hevc', 'hvc1', 'sequence-start'],
    );
    assert.deepEqual([...start.payload], [...data]);
    const coded = parseVideoTag(
      exVideoTag({ frameType: 2, packetType: P.codedFrames, fourCc: 'hvc1', cts: -20, data }),
    );
    assert.deepEqual(
      [coded.packetType, coded.frameType, coded.compositionTime, coded.payload.length],
      ['coded-frames', 2, -20, data.length],
    );
    const codedX = parseVideoTag(exVideoTag({ frameType: 1, packetType: P.codedFramesX, fourCc: 'hvc1', data }));
    assert.deepEqual(
      [codedX.packetType, codedX.compositionTime, codedX.payload.length],
      ['coded-frames', 0, data.length],
    );
  });

  it('reads av01/vp09 CodedFrames without a composition time, and avc1 with one', () => {
    for (const fourCc of ['av01', 'vp09']) {
      const tag = parseVideoTag(exVideoTag({ frameType: 1, packetType: P.codedFrames, fourCc, data }));
      assert.deepEqual([tag.compositionTime, [...tag.payload]], [0, [...data]], fourCc);
    }
    const avc = parseVideoTag(exVideoTag({ frameType: 1, packetType: P.codedFrames, fourCc: 'avc1', cts: 33, data }));
    assert.deepEqual([avc.codec, avc.compositionTime], ['avc', 33]);
  });

  it('reads SequenceEnd, Metadata (frame type ignored), MPEG2TSSequenceStart and command frames', () => {
    const end = parseVideoTag(
      exVideoTag({ frameType: 1, packetType: P.sequenceEnd, fourCc: 'av01', data: Buffer.alloc(0) }),
    );
    assert.equal(end.packetType, 'sequence-end');
    const meta = parseVideoTag(exVideoTag({ frameType: 5, packetType: P.metadata, fourCc: 'hvc1', data }));
    assert.deepEqual([meta.packetType, meta.codec], ['metadata', 'hevc']);
    const ts = parseVideoTag(exVideoTag({ frameType: 1, packetType: P.mpeg2TsSequenceStart, fourCc: 'av01', data }));
    assert.equal(ts.packetType, 'mpeg2ts-sequence-start');
    const command = parseVideoTag(Buffer.from([0x80 | (5 << 4) | P.codedFrames, 0x00]));
    assert.deepEqual([command.packetType, command.command, command.codecTag], ['command', 0, '']);
  });

  it('walks the v2 ModEx prelude and keeps the TimestampOffsetNano', () => {
    const tag = parseVideoTag(
      exVideoTag({
        frameType: 1,
        packetType: P.codedFrames,
        fourCc: 'hvc1',
        cts: 5,
        data,
        modEx: { type: 0, data: Buffer.from([0x07, 0xa1, 0x20]) },
      }),
    );
    assert.deepEqual(
      [tag.packetType, tag.codec, tag.compositionTime, tag.timestampNanoOffset],
      ['coded-frames', 'hevc', 5, 500000],
    );
    assert.deepEqual([...tag.payload], [...data]);
  });

  it('names an unknown FourCC instead of guessing, and rejects multitrack and reserved packet types', () => {
    const vp8 = parseVideoTag(exVideoTag({ frameType: 1, packetType: P.codedFrames, fourCc: 'vp08', data }));
    assert.deepEqual([vp8.codec, vp8.codecTag], [undefined, 'vp08']);
    assert.throws(
      () => parseVideoTag(Buffer.from([0x80 | 0x10 | P.multitrack, 0x00, ...Buffer.from('hvc1')])),
      code('flv-video-multitrack-unsupported'),
    );
    assert.throws(
      () => parseVideoTag(Buffer.from([0x80 | 0x10 | 9, ...Buffer.from('hvc1')])),
      code('flv-video-packet-type'),
    );
    assert.throws(() => parseVideoTag(Buffer.from([0x90, 0x68, 0x76])), code('flv-video-truncated'));
    assert.throws(() => parseVideoTag(Buffer.from([0x91, ...Buffer.from('hvc1'), 0x00])), code('flv-video-truncated'));
  });
});
