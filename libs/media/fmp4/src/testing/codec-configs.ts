// Test support: codec configs built by hand from real configuration records (the codec parsers are
// another package's job; these fill only what the container needs).
import type { AacConfig, Av1Config, AvcConfig, HevcConfig, OpusConfig, Vp9Config } from '@rapidrtmp/media-core';

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

export function avcConfigFromRecord(record: Buffer, width: number, height: number): AvcConfig {
  const spsCount = record.readUInt8(5) & 0x1f;
  const sps: Buffer[] = [];
  let at = 6;
  for (let i = 0; i < spsCount; i++) {
    const len = record.readUInt16BE(at);
    sps.push(record.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  const pps: Buffer[] = [];
  const ppsCount = record.readUInt8(at++);
  for (let i = 0; i < ppsCount; i++) {
    const len = record.readUInt16BE(at);
    pps.push(record.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  return {
    codec: 'avc',
    record,
    profileIdc: record.readUInt8(1),
    profileCompatibility: record.readUInt8(2),
    levelIdc: record.readUInt8(3),
    nalLengthSize: (record.readUInt8(4) & 0x03) + 1,
    sps,
    pps,
    width,
    height,
    frameRate: 30,
    sarWidth: 1,
    sarHeight: 1,
    codecString: `avc1.${hex2(record.readUInt8(1))}${hex2(record.readUInt8(2))}${hex2(record.readUInt8(3))}`,
  };
}

export function aacConfig(asc: Buffer, sampleRate: number, channels: number): AacConfig {
  return {
    codec: 'aac',
    asc,
    objectType: asc.readUInt8(0) >> 3,
    sampleRate,
    channels,
    samplesPerFrame: 1024,
    codecString: `mp4a.40.${asc.readUInt8(0) >> 3}`,
  };
}

export function hevcConfig(record: Buffer, width: number, height: number, codecString: string): HevcConfig {
  return { codec: 'hevc', record, nalLengthSize: (record.readUInt8(21) & 0x03) + 1, width, height, codecString };
}

export function av1Config(record: Buffer, width: number, height: number, codecString: string): Av1Config {
  return { codec: 'av1', record, width, height, codecString };
}

export function vp9Config(record: Buffer, width: number, height: number, codecString: string): Vp9Config {
  return { codec: 'vp9', record, width, height, codecString };
}

/** From a dOps body (Opus in ISOBMFF 4.3.2). */
export function opusConfigFromDops(dops: Buffer): OpusConfig {
  return {
    codec: 'opus',
    channels: dops.readUInt8(1),
    preSkip: dops.readUInt16BE(2),
    inputSampleRate: dops.readUInt32BE(4),
    outputGain: dops.readInt16BE(8),
    channelMappingFamily: dops.readUInt8(10),
    channelMapping: dops.readUInt8(10) !== 0 ? dops.subarray(11) : undefined,
    sampleRate: 48000,
    codecString: 'opus',
  };
}
