import { MediaFormatError } from '@rapidrtmp/media-core';
import { BitReader, removeEmulationPrevention } from './bit-reader.js';

/** What an H.264 sequence parameter set says about the picture. */
export interface H264SpsInfo {
  profileIdc: number;
  /** constraint_set0..5 flags and the two reserved bits: the byte between profile and level. */
  constraintFlags: number;
  levelIdc: number;
  spsId: number;
  /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  frameMbsOnly: boolean;
  /** Size in macroblocks times 16, before cropping (e.g. 1920x1088). */
  codedWidth: number;
  codedHeight: number;
  /** Display size after frame cropping (e.g. 1920x1080). */
  width: number;
  height: number;
  sarWidth: number;
  sarHeight: number;
  /** time_scale / (2 * num_units_in_tick), when the VUI carries timing info. */
  frameRate?: number;
}

const ERROR = 'h264-sps-invalid';

/** profile_idc values whose SPS carries chroma_format_idc, bit depths and scaling lists (H.264 7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Table E-1: sample aspect ratios for aspect_ratio_idc 1..16 (255 = Extended_SAR, explicit). */
// prettier-ignore
const SAR_TABLE: ReadonlyArray<readonly [number, number]> = [
  [0, 0], [1, 1], [12, 11], [10, 11], [16, 11], [40, 33], [24, 11], [20, 11], [32, 11],
  [80, 33], [18, 11], [15, 11], [64, 33], [160, 99], [4, 3], [3, 2], [2, 1],
];
const EXTENDED_SAR = 255;

/** scaling_list() of H.264 7.3.2.1.1.1: only walked, the values do not matter here. */
function skipScalingList(r: BitReader, size: number): void {
  let lastScale = 8;
  let nextScale = 8;
  for (let j = 0; j < size; j++) {
    if (nextScale !== 0) {
      const delta = r.se();
      if (delta < -128 || delta > 127) throw new MediaFormatError(ERROR, `delta_scale ${delta}`);
      nextScale = (lastScale + delta + 256) % 256;
    }
    lastScale = nextScale === 0 ? lastScale : nextScale;
  }
}

function readUe(r: BitReader, name: string, max: number): number {
  const value = r.ue();
  if (value > max) throw new MediaFormatError(ERROR, `${name} ${value} > ${max}`);
  return value;
}

/**
 * Parses an H.264 SPS NAL unit (with its 1-byte NAL header, emulation prevention bytes still in):
 * H.264 7.3.2.1.1, all profiles, plus the VUI (Annex E.1.1) up to timing info.
 */
export function parseH264Sps(nal: Buffer): H264SpsInfo {
  if (nal.length < 4) throw new MediaFormatError('h264-sps-truncated', `${nal.length} bytes`);
  const nalType = nal.readUInt8(0) & 0x1f;
  if (nalType !== 7) throw new MediaFormatError(ERROR, `NAL type ${nalType} is not an SPS`);
  const r = new BitReader(removeEmulationPrevention(nal.subarray(1)), 'h264-sps-truncated');
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const levelIdc = r.bits(8);
  const spsId = readUe(r, 'seq_parameter_set_id', 31);

  let chromaFormatIdc = 1;
  let separateColourPlane = false;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = readUe(r, 'chroma_format_idc', 3);
    if (chromaFormatIdc === 3) separateColourPlane = r.flag();
    bitDepthLuma = 8 + readUe(r, 'bit_depth_luma_minus8', 6);
    bitDepthChroma = 8 + readUe(r, 'bit_depth_chroma_minus8', 6);
    r.skip(1); // qpprime_y_zero_transform_bypass_flag
    if (r.flag()) {
      // seq_scaling_matrix_present_flag: 6 4x4 lists, then 2 (or 6 for 4:4:4) 8x8 lists
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }

  readUe(r, 'log2_max_frame_num_minus4', 12);
  const picOrderCntType = readUe(r, 'pic_order_cnt_type', 2);
  if (picOrderCntType === 0) {
    readUe(r, 'log2_max_pic_order_cnt_lsb_minus4', 12);
  } else if (picOrderCntType === 1) {
    r.skip(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = readUe(r, 'num_ref_frames_in_pic_order_cnt_cycle', 255);
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ue(); // max_num_ref_frames
  r.skip(1); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = readUe(r, 'pic_width_in_mbs_minus1', 1023) + 1;
  const heightInMapUnits = readUe(r, 'pic_height_in_map_units_minus1', 1023) + 1;
  const frameMbsOnly = r.flag();
  if (!frameMbsOnly) r.skip(1); // mb_adaptive_frame_field_flag
  r.skip(1); // direct_8x8_inference_flag

  // 7.4.2.1.1: field-coded streams count map units in field pairs, hence the (2 - frame_mbs_only) factor.
  const codedWidth = widthInMbs * 16;
  const codedHeight = (2 - (frameMbsOnly ? 1 : 0)) * heightInMapUnits * 16;
  let width = codedWidth;
  let height = codedHeight;
  if (r.flag()) {
    // frame_cropping_flag: offsets are in chroma sample units (CropUnitX/Y, equations 7-19..7-22)
    const left = r.ue();
    const right = r.ue();
    const top = r.ue();
    const bottom = r.ue();
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chromaFormatIdc === 3 ? 1 : 2;
    const subHeightC = chromaFormatIdc === 1 ? 2 : 1;
    const cropUnitX = chromaArrayType === 0 ? 1 : subWidthC;
    const cropUnitY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - (frameMbsOnly ? 1 : 0));
    width -= cropUnitX * (left + right);
    height -= cropUnitY * (top + bottom);
    if (width <= 0 || height <= 0) throw new MediaFormatError(ERROR, `cropping leaves ${width}x${height}`);
  }

  const info: H264SpsInfo = {
    profileIdc,
    constraintFlags,
    levelIdc,
    spsId,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    frameMbsOnly,
    codedWidth,
    codedHeight,
    width,
    height,
    sarWidth: 1,
    sarHeight: 1,
  };
  if (r.flag()) readVui(r, info);
  return info;
}

/**
 * VUI (H.264 E.1.1) up to timing_info. Some encoders truncate or garble the VUI tail; the picture size
 * is already known by then, so a VUI that runs out of bits only loses SAR/frame rate, not the stream.
 */
function readVui(r: BitReader, info: H264SpsInfo): void {
  try {
    if (r.flag()) {
      // aspect_ratio_info_present_flag
      const idc = r.bits(8);
      const [sarWidth, sarHeight] = idc === EXTENDED_SAR ? [r.bits(16), r.bits(16)] : (SAR_TABLE[idc] ?? [0, 0]);
      // 0 = unspecified (E.2.1): keep square pixels
      if (sarWidth > 0 && sarHeight > 0) [info.sarWidth, info.sarHeight] = [sarWidth, sarHeight];
    }
    if (r.flag()) r.skip(1); // overscan_info_present_flag -> overscan_appropriate_flag
    if (r.flag()) {
      // video_signal_type_present_flag: video_format, full_range, then colour description
      r.skip(4);
      if (r.flag()) r.skip(24);
    }
    if (r.flag()) {
      r.ue(); // chroma_sample_loc_type_top_field
      r.ue(); // chroma_sample_loc_type_bottom_field
    }
    if (r.flag()) {
      // timing_info_present_flag (E.2.1): a frame lasts two ticks (one per field)
      const numUnitsInTick = r.bits(32);
      const timeScale = r.bits(32);
      if (numUnitsInTick > 0 && timeScale > 0) info.frameRate = timeScale / (2 * numUnitsInTick);
    }
  } catch (error) {
    if (!(error instanceof MediaFormatError)) throw error;
  }
}
