import { ByteReader, MediaFormatError, type Vp9Config } from '@rapidrtmp/media-core';
import { BitReader } from './bit-reader.js';

const RECORD_SIZE = 8;

/** VP9 codec string, short form (VP Codec ISO Media File Format Binding, Codecs Parameter String): `vp09.PP.LL.DD`. */
export function vp9CodecString(profile: number, level: number, bitDepth: number): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return `vp09.${two(profile)}.${two(level)}.${two(bitDepth)}`;
}

/**
 * True when `data` starts with the vpcC FullBox header (version 1, flags 0). Both shapes travel as "the
 * vpcC contents": with it (ffmpeg's ff_isom_write_vpcc) and without. A bare record cannot start with
 * 01 00 00 00: that would be profile 1, level 0 and bit depth 0.
 */
function hasFullBoxHeader(data: Buffer): boolean {
  return data.length >= 4 && data[0] === 1 && data[1] === 0 && data[2] === 0 && data[3] === 0;
}

/**
 * Parses a VPCodecConfigurationRecord (VP9 binding 2.2), with or without the FullBox header. The record
 * carries no picture size: width/height stay 0 (see `readVp9KeyframeSize`).
 */
export function parseVp9Config(record: Buffer): Vp9Config {
  const body = hasFullBoxHeader(record) ? record.subarray(4) : record;
  const r = new ByteReader(body, 'vp9-config-truncated');
  if (body.length < RECORD_SIZE) throw new MediaFormatError('vp9-config-truncated', `${body.length} bytes`);
  const profile = r.u8();
  const level = r.u8();
  const packed = r.u8();
  const bitDepth = packed >> 4;
  if (profile > 3 || ![8, 10, 12].includes(bitDepth)) {
    throw new MediaFormatError('vp9-config-invalid', `profile ${profile} bit depth ${bitDepth}`);
  }
  return {
    codec: 'vp9',
    record,
    width: 0,
    height: 0,
    codecString: vp9CodecString(profile, level, bitDepth),
    profile,
    level,
    bitDepth,
    chromaSubsampling: (packed >> 1) & 0x07,
    fullRange: (packed & 1) === 1,
  };
}

const VP9_SYNC_CODE = 0x498342;
const CS_RGB = 7;

/**
 * Frame size from a VP9 keyframe's uncompressed header (VP9 bitstream spec 6.2): undefined for inter
 * frames and shown-existing frames, which carry none.
 */
export function readVp9KeyframeSize(frame: Buffer): { width: number; height: number } | undefined {
  const r = new BitReader(frame, 'vp9-frame-truncated');
  if (r.bits(2) !== 2) throw new MediaFormatError('vp9-frame-invalid', 'frame_marker');
  const profile = r.bit() | (r.bit() << 1);
  if (profile === 3) r.skip(1);
  if (r.flag()) return undefined; // show_existing_frame
  if (r.bit() !== 0) return undefined; // frame_type: 0 = KEY_FRAME
  r.skip(2); // show_frame, error_resilient_mode
  if (r.bits(24) !== VP9_SYNC_CODE) throw new MediaFormatError('vp9-frame-invalid', 'frame_sync_code');
  // color_config (6.2.2)
  if (profile >= 2) r.skip(1); // ten_or_twelve_bit
  if (r.bits(3) !== CS_RGB) {
    r.skip(1); // color_range
    if (profile === 1 || profile === 3) r.skip(3); // subsampling_x, subsampling_y, reserved_zero
  } else if (profile === 1 || profile === 3) {
    r.skip(1);
  }
  return { width: r.bits(16) + 1, height: r.bits(16) + 1 };
}
