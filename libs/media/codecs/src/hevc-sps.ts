import { MediaFormatError } from '@rapidrtmp/media-core';
import { BitReader, removeEmulationPrevention } from './bit-reader.js';

/** What an HEVC sequence parameter set says about the picture (the part before the reference sets). */
export interface HevcSpsInfo {
  spsId: number;
  maxSubLayers: number;
  /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
  chromaFormatIdc: number;
  /** pic_width/height_in_luma_samples, before the conformance window. */
  codedWidth: number;
  codedHeight: number;
  /** Size after the conformance window (H.265 7.4.3.2.1). */
  width: number;
  height: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
}

const ERROR = 'hevc-sps-invalid';
const SPS_NUT = 33;

/** profile_tier_level(1, maxNumSubLayersMinus1), H.265 7.3.3: skipped, the record repeats the general part. */
function skipProfileTierLevel(r: BitReader, maxSubLayersMinus1: number): void {
  r.skip(2 + 1 + 5 + 32 + 48 + 8); // profile space, tier, profile idc, compat flags, constraint flags, level
  const profilePresent: boolean[] = [];
  const levelPresent: boolean[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profilePresent.push(r.flag());
    levelPresent.push(r.flag());
  }
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profilePresent[i]) r.skip(88);
    if (levelPresent[i]) r.skip(8);
  }
}

/**
 * Parses the start of an HEVC SPS NAL unit (2-byte NAL header included, emulation prevention still in):
 * H.265 7.3.2.2.1 up to the bit depths, which is all a packager needs.
 */
export function parseHevcSps(nal: Buffer): HevcSpsInfo {
  if (nal.length < 3) throw new MediaFormatError('hevc-sps-truncated', `${nal.length} bytes`);
  const nalType = (nal.readUInt8(0) >> 1) & 0x3f;
  if (nalType !== SPS_NUT) throw new MediaFormatError(ERROR, `NAL type ${nalType} is not an SPS`);
  const r = new BitReader(removeEmulationPrevention(nal.subarray(2)), 'hevc-sps-truncated');
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.bits(3);
  if (maxSubLayersMinus1 > 6) throw new MediaFormatError(ERROR, `sps_max_sub_layers_minus1 ${maxSubLayersMinus1}`);
  r.skip(1); // sps_temporal_id_nesting_flag
  skipProfileTierLevel(r, maxSubLayersMinus1);
  const spsId = r.ue();
  if (spsId > 15) throw new MediaFormatError(ERROR, `sps_seq_parameter_set_id ${spsId}`);
  const chromaFormatIdc = r.ue();
  if (chromaFormatIdc > 3) throw new MediaFormatError(ERROR, `chroma_format_idc ${chromaFormatIdc}`);
  const separateColourPlane = chromaFormatIdc === 3 ? r.flag() : false;
  const codedWidth = r.ue();
  const codedHeight = r.ue();
  if (codedWidth === 0 || codedHeight === 0 || codedWidth > 16888 || codedHeight > 16888) {
    throw new MediaFormatError(ERROR, `picture ${codedWidth}x${codedHeight}`);
  }
  let width = codedWidth;
  let height = codedHeight;
  if (r.flag()) {
    // conformance_window_flag: offsets in chroma units (Table 6-1; ChromaArrayType 0 counts luma samples)
    const left = r.ue();
    const right = r.ue();
    const top = r.ue();
    const bottom = r.ue();
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
    const subHeightC = chromaArrayType === 1 ? 2 : 1;
    width -= subWidthC * (left + right);
    height -= subHeightC * (top + bottom);
    if (width <= 0 || height <= 0) throw new MediaFormatError(ERROR, `conformance window leaves ${width}x${height}`);
  }
  const bitDepthLuma = 8 + r.ue();
  const bitDepthChroma = 8 + r.ue();
  if (bitDepthLuma > 16 || bitDepthChroma > 16) {
    throw new MediaFormatError(ERROR, `bit depth ${bitDepthLuma}/${bitDepthChroma}`);
  }
  return {
    spsId,
    maxSubLayers: maxSubLayersMinus1 + 1,
    chromaFormatIdc,
    codedWidth,
    codedHeight,
    width,
    height,
    bitDepthLuma,
    bitDepthChroma,
  };
}
