import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { isOpusTags, parseOpusConfig } from './opus-config.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

describe('parseOpusConfig', () => {
  it('reads libopus stereo OpusHead (RFC 7845 5.1, little-endian fields)', () => {
    const config = parseOpusConfig(fixture('opus-stereo-head.bin'));
    assert.deepEqual(
      [
        config.channels,
        config.preSkip,
        config.inputSampleRate,
        config.outputGain,
        config.channelMappingFamily,
        config.channelMapping,
      ],
      [2, 312, 48000, 0, 0, undefined],
    );
    assert.equal(config.sampleRate, 48000);
    assert.equal(config.codecString, 'opus');
  });

  it('keeps stream count, coupled count and mapping for family 1 (5.1)', () => {
    const config = parseOpusConfig(fixture('opus-51-head.bin'));
    assert.equal(config.channels, 6);
    assert.equal(config.channelMappingFamily, 1);
    assert.equal(config.channelMapping?.toString('hex'), '0402000401020305');
  });

  it('tells OpusTags apart and rejects bad heads with typed errors', () => {
    assert.equal(isOpusTags(Buffer.from('OpusTags\x00\x00\x00\x00', 'latin1')), true);
    assert.equal(isOpusTags(fixture('opus-stereo-head.bin')), false);
    const head = fixture('opus-51-head.bin');
    assert.throws(
      () => parseOpusConfig(head.subarray(0, 24)),
      (e) => e instanceof MediaFormatError && e.code === 'opus-config-truncated',
    );
    assert.throws(() => parseOpusConfig(Buffer.from('OpusTags' + '\0'.repeat(11), 'latin1')), /magic/);
    const future = Buffer.from(fixture('opus-stereo-head.bin'));
    future[8] = 0x10;
    assert.throws(
      () => parseOpusConfig(future),
      (e) => e instanceof MediaFormatError && e.code === 'opus-config-version',
    );
  });
});
