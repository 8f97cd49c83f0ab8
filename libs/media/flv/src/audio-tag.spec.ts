import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { parseAudioTag } from './audio-tag.js';
import { AUDIO_PACKET_TYPE } from './enhanced-rtmp.js';
import { readFlvFile } from './flv-file-reader.js';
import { exAudioTag } from './testing/tag-builders.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;
const P = AUDIO_PACKET_TYPE;

describe('parseAudioTag', () => {
  it('reads ffmpeg AAC: AACPacketType 0 = AudioSpecificConfig, 1 = raw frame, as views', () => {
    const audio = readFlvFile(fixture('aac-only.flv')).tags.filter((t) => t.type === 8);
    const config = parseAudioTag(audio[0]!.body);
    assert.deepEqual(
      [config.enhanced, config.codec, config.codecTag, config.packetType],
      [false, 'aac', '10', 'sequence-start'],
    );
    assert.equal(config.payload.toString('hex'), '120856e500');
    // AF = AAC, "44 kHz", 16-bit, stereo: the legacy bits, ignored for AAC
    assert.deepEqual([config.soundRate, config.soundSize, config.soundType], [3, 1, 1]);
    const frame = parseAudioTag(audio[1]!.body);
    assert.equal(frame.packetType, 'coded-frames');
    assert.equal(frame.payload.byteOffset, audio[1]!.body.byteOffset + 2);
    assert.equal(frame.payload.buffer, audio[1]!.body.buffer);
  });

  it('reports other sound formats as unsupported (MP3 here)', () => {
    const mp3 = parseAudioTag(Buffer.from([0x2f, 0xff, 0xfb]));
    assert.deepEqual(
      [mp3.codec, mp3.codecTag, mp3.packetType, mp3.payload.length],
      [undefined, '2', 'coded-frames', 2],
    );
  });

  it('reads E-RTMP Opus and mp4a SequenceStart / CodedFrames / SequenceEnd', () => {
    const head = Buffer.from('OpusHead', 'latin1');
    const start = parseAudioTag(exAudioTag(P.sequenceStart, 'Opus', head));
    assert.deepEqual(
      [start.enhanced, start.codec, start.codecTag, start.packetType],
      [true, 'opus', 'Opus', 'sequence-start'],
    );
    assert.deepEqual([...start.payload], [...head]);
    assert.equal(parseAudioTag(exAudioTag(P.codedFrames, 'Opus', Buffer.from([0xfc]))).packetType, 'coded-frames');
    assert.equal(parseAudioTag(exAudioTag(P.sequenceEnd, 'Opus', Buffer.alloc(0))).packetType, 'sequence-end');
    const aac = parseAudioTag(exAudioTag(P.sequenceStart, 'mp4a', Buffer.from('1210', 'hex')));
    assert.deepEqual([aac.codec, aac.payload.toString('hex')], ['aac', '1210']);
    const flac = parseAudioTag(exAudioTag(P.codedFrames, 'fLaC', Buffer.from([1])));
    assert.deepEqual([flac.codec, flac.codecTag], [undefined, 'fLaC']);
  });

  it('walks a ModEx prelude before the FourCC', () => {
    const body = Buffer.concat([
      Buffer.from([0x90 | P.modEx, 2, 0x00, 0x00, 0x64, (0 << 4) | P.codedFrames]),
      Buffer.from('Opus'),
      Buffer.from([0xfc]),
    ]);
    const tag = parseAudioTag(body);
    assert.deepEqual(
      [tag.packetType, tag.codec, tag.timestampNanoOffset, [...tag.payload]],
      ['coded-frames', 'opus', 100, [0xfc]],
    );
  });

  it('fails with typed errors on truncation, multitrack and reserved packet types', () => {
    assert.throws(() => parseAudioTag(Buffer.alloc(0)), code('flv-audio-truncated'));
    assert.throws(() => parseAudioTag(Buffer.from([0xaf])), code('flv-audio-truncated'));
    assert.throws(() => parseAudioTag(Buffer.from([0xaf, 0x02])), code('flv-audio-packet-type'));
    assert.throws(
      () => parseAudioTag(Buffer.from([0x90 | P.multitrack, 0x00])),
      code('flv-audio-multitrack-unsupported'),
    );
    assert.throws(() => parseAudioTag(exAudioTag(3, 'Opus', Buffer.alloc(0))), code('flv-audio-packet-type'));
    assert.throws(() => parseAudioTag(Buffer.from([0x90, 0x4f, 0x70])), code('flv-audio-truncated'));
    assert.throws(() => parseAudioTag(Buffer.from([0x97, 0xff])), code('flv-audio-truncated'));
  });
});
