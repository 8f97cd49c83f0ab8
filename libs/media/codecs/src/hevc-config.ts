import { ByteReader, MediaFormatError, type HevcConfig } from '@rapidrtmp/media-core';
import { parseHevcSps } from './hevc-sps.js';

/** HEVC NAL unit types of the parameter sets (H.265 Table 7-1). */
const VPS_NUT = 32;
const SPS_NUT = 33;
const PPS_NUT = 34;

/** Reverses the bit order of a 32-bit value (Annex E writes the compatibility flags flag 0 first). */
function reverseBits32(value: number): number {
  let out = 0;
  for (let i = 0; i < 32; i++) out = out * 2 + ((value >>> i) & 1);
  return out;
}

/**
 * Codec string per ISO/IEC 14496-15 Annex E.3: `hvc1.[A|B|C]<profile>.<compat>.<L|H><level>[.<c0>...]`,
 * e.g. `hvc1.1.6.L93.B0`. Compatibility flags go in reverse bit order as hex without leading zeros;
 * the six constraint bytes as hex, trailing zero bytes omitted. `sampleEntry` is `hev1` when parameter
 * sets may also travel in band.
 */
export function hevcCodecString(
  fields: {
    profileSpace: number;
    profileIdc: number;
    profileCompatibilityFlags: number;
    tierFlag: number;
    levelIdc: number;
    constraintIndicatorFlags: Buffer;
  },
  sampleEntry: 'hvc1' | 'hev1' = 'hvc1',
): string {
  const space = ['', 'A', 'B', 'C'][fields.profileSpace] ?? '';
  const compat = reverseBits32(fields.profileCompatibilityFlags).toString(16).toUpperCase();
  const constraints = [...fields.constraintIndicatorFlags];
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const tier = fields.tierFlag ? 'H' : 'L';
  return [
    sampleEntry,
    `${space}${fields.profileIdc}`,
    compat,
    `${tier}${fields.levelIdc}`,
    ...constraints.map((byte) => byte.toString(16).toUpperCase().padStart(2, '0')),
  ].join('.');
}

/**
 * Parses an HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3.1) and its first SPS for the
 * picture size. `record` is kept as given; the parameter sets are views into it.
 */
export function parseHevcConfig(record: Buffer): HevcConfig {
  const r = new ByteReader(record, 'hevc-config-truncated');
  const version = r.u8();
  if (version !== 1) throw new MediaFormatError('hevc-config-version', `configurationVersion ${version}`);
  const profileByte = r.u8();
  const profileCompatibilityFlags = r.u32();
  const constraintIndicatorFlags = r.bytes(6);
  const levelIdc = r.u8();
  r.skip(2); // min_spatial_segmentation_idc
  // parallelismType, chromaFormat, bitDepthLuma/ChromaMinus8: some writers leave these 0, the SPS is
  // the authority for them
  r.skip(4);
  const avgFrameRate = r.u16(); // frames per 256 s, 0 = unspecified
  const nalLengthSize = (r.u8() & 0x03) + 1;
  if (nalLengthSize === 3) throw new MediaFormatError('hevc-config-length-size', 'lengthSizeMinusOne = 2');

  const vps: Buffer[] = [];
  const sps: Buffer[] = [];
  const pps: Buffer[] = [];
  const arrays = r.u8();
  for (let i = 0; i < arrays; i++) {
    const nalType = r.u8() & 0x3f;
    const count = r.u16();
    for (let j = 0; j < count; j++) {
      const nal = r.bytes(r.u16());
      // Sort by the array's declared type; SEI arrays (prefix/suffix) are kept only in `record`.
      if (nalType === VPS_NUT) vps.push(nal);
      else if (nalType === SPS_NUT) sps.push(nal);
      else if (nalType === PPS_NUT) pps.push(nal);
    }
  }
  const firstSps = sps[0];
  if (firstSps === undefined) throw new MediaFormatError('hevc-config-no-sps');
  const info = parseHevcSps(firstSps);

  const fields = {
    profileSpace: profileByte >> 6,
    tierFlag: (profileByte >> 5) & 1,
    profileIdc: profileByte & 0x1f,
    profileCompatibilityFlags,
    constraintIndicatorFlags,
    levelIdc,
  };
  return {
    codec: 'hevc',
    record,
    nalLengthSize,
    width: info.width,
    height: info.height,
    frameRate: avgFrameRate > 0 ? avgFrameRate / 256 : undefined,
    codecString: hevcCodecString(fields),
    ...fields,
    chromaFormatIdc: info.chromaFormatIdc,
    bitDepthLuma: info.bitDepthLuma,
    bitDepthChroma: info.bitDepthChroma,
    vps,
    sps,
    pps,
  };
}
