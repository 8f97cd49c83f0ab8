import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { parseAacConfig } from './aac-config.js';
import { BitWriter } from './testing/bit-writer.js';

const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;
/** AudioSpecificConfig head: object type, frequency index, channel configuration. */
const asc = (aot: number, sfi: number, channels: number): BitWriter =>
  new BitWriter().bits(5, aot).bits(4, sfi).bits(4, channels);

describe('parseAacConfig', () => {
  it('reads ffmpeg\'s AAC-LC 44.1 kHz stereo ASC with its explicit "no SBR" sync extension', () => {
    // captured from h264-high-bframes-aac.flv: 12 10, then 0x2b7 / AOT 5 / sbrPresentFlag 0
    const config = parseAacConfig(Buffer.from('121056e500', 'hex'));
    assert.deepEqual(
      [config.objectType, config.sampleRate, config.channels, config.samplesPerFrame, config.codecString],
      [2, 44100, 2, 1024, 'mp4a.40.2'],
    );
    assert.deepEqual(
      [config.samplingFrequencyIndex, config.channelConfiguration, config.sbr, config.ps],
      [4, 2, false, false],
    );
  });

  it('reads 48 kHz and the explicit 24-bit sampling frequency (index 15)', () => {
    assert.equal(parseAacConfig(Buffer.from('1190', 'hex')).sampleRate, 48000);
    const explicit = parseAacConfig(
      new BitWriter().bits(5, 2).bits(4, 15).bits(24, 37800).bits(4, 2).bits(3, 0).trailing().toBuffer(),
    );
    assert.deepEqual([explicit.samplingFrequencyIndex, explicit.sampleRate, explicit.channels], [15, 37800, 2]);
  });

  it('reads explicit HE-AAC (object type 5) and HE-AAC v2 (29) signalling', () => {
    const he = parseAacConfig(asc(5, 6, 2).bits(4, 3).bits(5, 2).bits(3, 0).trailing().toBuffer());
    assert.deepEqual(
      [he.objectType, he.sampleRate, he.extensionSampleRate, he.sbr, he.ps, he.codecString],
      [5, 24000, 48000, true, false, 'mp4a.40.5'],
    );
    assert.equal(he.samplesPerFrame, 1024, 'frames count core samples');
    const v2 = parseAacConfig(asc(29, 6, 1).bits(4, 3).bits(5, 2).bits(3, 0).trailing().toBuffer());
    assert.deepEqual([v2.objectType, v2.sbr, v2.ps, v2.codecString], [29, true, true, 'mp4a.40.29']);
  });

  it('reads backward-compatible SBR + PS signalling (sync extensions 0x2b7 and 0x548)', () => {
    const w = asc(2, 6, 2).bits(3, 0).bits(11, 0x2b7).bits(5, 5).flag(1).bits(4, 3).bits(11, 0x548).flag(1);
    const config = parseAacConfig(w.trailing().toBuffer());
    assert.deepEqual([config.objectType, config.sbr, config.ps, config.extensionSampleRate], [2, true, true, 48000]);
    assert.equal(config.codecString, 'mp4a.40.2');
  });

  it('reads frameLengthFlag (960-sample frames) and a PCE channel count', () => {
    assert.equal(parseAacConfig(asc(2, 3, 2).bits(3, 0b100).trailing().toBuffer()).samplesPerFrame, 960);
    // PCE: 2 front (SCE + CPE), 1 back CPE, 1 LFE = 6 channels
    const pce = asc(2, 3, 0).bits(3, 0).bits(4, 0).bits(2, 1).bits(4, 3).bits(4, 2).bits(4, 0).bits(4, 1).bits(2, 1);
    pce
      .bits(3, 0)
      .bits(4, 0)
      .flag(0)
      .flag(0)
      .flag(0)
      .flag(0)
      .bits(4, 0)
      .flag(1)
      .bits(4, 1)
      .flag(1)
      .bits(4, 2)
      .bits(4, 0);
    assert.equal(parseAacConfig(pce.trailing().toBuffer()).channels, 6);
  });

  it('reads the object type escape (31 -> 32 + 6 bits) and refuses non-GA object types', () => {
    const als = new BitWriter().bits(5, 31).bits(6, 4).bits(4, 3).bits(4, 2).trailing().toBuffer();
    assert.throws(
      () => parseAacConfig(als),
      (e) => code('aac-config-unsupported')(e) && /object type 36/.test(String(e)),
    );
  });

  it('treats an empty or 1-byte ASC as truncated and reserved values as invalid', () => {
    assert.throws(() => parseAacConfig(Buffer.alloc(0)), code('aac-config-truncated'));
    assert.throws(() => parseAacConfig(Buffer.from([0x12])), code('aac-config-truncated'));
    assert.throws(() => parseAacConfig(asc(2, 13, 2).trailing().toBuffer()), code('aac-config-invalid'));
    assert.throws(() => parseAacConfig(asc(2, 4, 8).bits(3, 0).trailing().toBuffer()), code('aac-config-invalid'));
    assert.equal(parseAacConfig(asc(2, 4, 7).bits(3, 0).trailing().toBuffer()).channels, 8, '7.1');
    assert.equal(parseAacConfig(asc(2, 4, 11).bits(3, 0).trailing().toBuffer()).channels, 7, '6.1');
  });
});
