import { ByteReader, MediaFormatError, type AvcConfig } from '@rapidrtmp/media-core';
import { parseH264Sps } from './h264-sps.js';

const hex2 = (value: number): string => value.toString(16).padStart(2, '0');

/** RFC 6381 3.3: `avc1.PPCCLL`, the profile, constraint and level bytes in hex. */
export function avcCodecString(profileIdc: number, profileCompatibility: number, levelIdc: number): string {
  return `avc1.${hex2(profileIdc)}${hex2(profileCompatibility)}${hex2(levelIdc)}`;
}

/** Reads `count` parameter sets, each a 16-bit length then the NAL unit (a view). */
function readParameterSets(r: ByteReader, count: number): Buffer[] {
  const sets: Buffer[] = [];
  for (let i = 0; i < count; i++) sets.push(r.bytes(r.u16()));
  return sets;
}

/**
 * Parses an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1), the body of the RTMP AVC sequence
 * header, and the first SPS in it for the picture size. `record` is kept as given (callers pass a copy
 * they own); `sps`/`pps` are views into it. The High-profile tail (chroma_format etc.) is not needed:
 * the SPS says the same, and ffmpeg omits it anyway.
 */
export function parseAvcConfig(record: Buffer): AvcConfig {
  const r = new ByteReader(record, 'avc-config-truncated');
  const version = r.u8();
  if (version !== 1) throw new MediaFormatError('avc-config-version', `configurationVersion ${version}`);
  const profileIdc = r.u8();
  const profileCompatibility = r.u8();
  const levelIdc = r.u8();
  const nalLengthSize = (r.u8() & 0x03) + 1;
  // 14496-15 5.3.3.1.2: lengthSizeMinusOne 2 (3-byte lengths) is not allowed
  if (nalLengthSize === 3) throw new MediaFormatError('avc-config-length-size', 'lengthSizeMinusOne = 2');
  const sps = readParameterSets(r, r.u8() & 0x1f);
  const pps = readParameterSets(r, r.u8());
  const firstSps = sps[0];
  if (firstSps === undefined) throw new MediaFormatError('avc-config-no-sps');
  const info = parseH264Sps(firstSps);
  return {
    codec: 'avc',
    record,
    profileIdc,
    profileCompatibility,
    levelIdc,
    nalLengthSize,
    sps,
    pps,
    width: info.width,
    height: info.height,
    frameRate: info.frameRate,
    sarWidth: info.sarWidth,
    sarHeight: info.sarHeight,
    codecString: avcCodecString(profileIdc, profileCompatibility, levelIdc),
  };
}
