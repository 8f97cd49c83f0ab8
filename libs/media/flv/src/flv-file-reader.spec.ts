import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { FLV_TAG_TYPE, readFlvFile } from './flv-file-reader.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;

describe('readFlvFile', () => {
  it('reads the header and every tag of an ffmpeg FLV, bodies as views', () => {
    const file = fixture('h264-high-bframes-aac.flv');
    const { header, tags } = readFlvFile(file);
    assert.deepEqual(header, { version: 1, hasAudio: true, hasVideo: true, dataOffset: 9 });
    const count = (type: number): number => tags.filter((t) => t.type === type).length;
    // onMetaData + (sequence header, 90 frames, end of sequence) + (ASC, 131 frames)
    assert.deepEqual(
      [tags.length, count(FLV_TAG_TYPE.script), count(FLV_TAG_TYPE.video), count(FLV_TAG_TYPE.audio)],
      [225, 1, 92, 132],
    );
    assert.equal(tags[0]!.offset, 13);
    assert.equal(tags[1]!.body.buffer, file.buffer);
    assert.equal(Math.max(...tags.map((t) => t.timestamp)), 3062, 'last AAC frame DTS per ffprobe');
  });

  it('flags audio-only files', () => {
    const { header, tags } = readFlvFile(fixture('aac-only.flv'));
    assert.deepEqual([header.hasAudio, header.hasVideo, tags.length], [true, false, 47]);
  });

  it('reads TimestampExtended as the upper 8 bits', () => {
    const tag = Buffer.from([9, 0, 0, 1, 0x12, 0x34, 0x56, 0x7f, 0, 0, 0, 0x17, 0, 0, 0, 12]);
    const file = Buffer.concat([Buffer.from('464c56010100000009', 'hex'), Buffer.alloc(4), tag]);
    assert.equal(readFlvFile(file).tags[0]!.timestamp, 0x7f123456);
  });

  it('fails with typed errors on a bad signature, a cut file or a wrong PreviousTagSize', () => {
    const file = fixture('aac-only.flv');
    assert.throws(() => readFlvFile(Buffer.from('FLX\x01\x04\x00\x00\x00\x09', 'latin1')), code('flv-file-signature'));
    assert.throws(() => readFlvFile(file.subarray(0, file.length - 3)), code('flv-file-truncated'));
    const broken = Buffer.from(file);
    broken.writeUInt32BE(7, 13 + 11 + broken.readUIntBE(14, 3));
    assert.throws(() => readFlvFile(broken), code('flv-file-tag-size'));
  });
});
