import { MediaFormatError } from '@rapidrtmp/media-core';
import { BitReader } from './bit-reader.js';

/** obu_type values (AV1 6.2.2). */
export const AV1_OBU = {
  sequenceHeader: 1,
  temporalDelimiter: 2,
  frameHeader: 3,
  tileGroup: 4,
  metadata: 5,
  frame: 6,
  redundantFrameHeader: 7,
  tileList: 8,
  padding: 15,
} as const;

/** One OBU of a low-overhead bitstream: views into the input, no copy. */
export interface Av1Obu {
  type: number;
  temporalId: number;
  spatialId: number;
  /** The whole OBU, header included. */
  data: Buffer;
  /** obu payload only. */
  payload: Buffer;
}

/**
 * Splits a sequence of OBUs (AV1 5.3.1 obu header + leb128 obu_size). An OBU without obu_has_size_field
 * runs to the end of the buffer, as the low-overhead format allows for the last one.
 */
export function readObus(data: Buffer): Av1Obu[] {
  const obus: Av1Obu[] = [];
  let offset = 0;
  while (offset < data.length) {
    const r = new BitReader(data.subarray(offset), 'av1-obu-truncated');
    if (r.bit() !== 0) throw new MediaFormatError('av1-obu-invalid', `forbidden bit set at ${offset}`);
    const type = r.bits(4);
    const hasExtension = r.flag();
    const hasSize = r.flag();
    r.skip(1);
    let temporalId = 0;
    let spatialId = 0;
    if (hasExtension) {
      temporalId = r.bits(3);
      spatialId = r.bits(2);
      r.skip(3);
    }
    const size = hasSize ? r.leb128() : data.length - offset - r.bitPosition / 8;
    const payloadStart = offset + r.bitPosition / 8;
    const end = payloadStart + size;
    if (end > data.length) throw new MediaFormatError('av1-obu-truncated', `OBU at ${offset} needs ${size} bytes`);
    obus.push({
      type,
      temporalId,
      spatialId,
      data: data.subarray(offset, end),
      payload: data.subarray(payloadStart, end),
    });
    offset = end;
  }
  return obus;
}

/** The parts of a sequence_header_obu (AV1 5.5.1) that describe the stream. */
export interface Av1SequenceHeader {
  seqProfile: number;
  stillPicture: boolean;
  /** seq_level_idx and seq_tier of operating point 0. */
  seqLevelIdx: number;
  seqTier: number;
  /** max_frame_width/height_minus_1 + 1. */
  maxFrameWidth: number;
  maxFrameHeight: number;
  /** From timing_info when equal_picture_interval is set. */
  frameRate?: number;
}

/** Parses a sequence header OBU payload up to the maximum frame size. */
export function parseAv1SequenceHeader(payload: Buffer): Av1SequenceHeader {
  const r = new BitReader(payload, 'av1-sequence-header-truncated');
  const seqProfile = r.bits(3);
  const stillPicture = r.flag();
  const reducedStillPictureHeader = r.flag();
  let seqLevelIdx = 0;
  let seqTier = 0;
  let frameRate: number | undefined;
  if (reducedStillPictureHeader) {
    seqLevelIdx = r.bits(5);
  } else {
    let decoderModelInfoPresent = false;
    let bufferDelayLength = 0;
    if (r.flag()) {
      // timing_info (5.5.3)
      const numUnitsInDisplayTick = r.bits(32);
      const timeScale = r.bits(32);
      if (r.flag()) {
        // equal_picture_interval
        const ticksPerPicture = r.uvlc() + 1;
        if (numUnitsInDisplayTick > 0) frameRate = timeScale / (numUnitsInDisplayTick * ticksPerPicture);
      }
      decoderModelInfoPresent = r.flag();
      if (decoderModelInfoPresent) {
        // decoder_model_info (5.5.4)
        bufferDelayLength = r.bits(5) + 1;
        r.skip(32 + 5 + 5);
      }
    }
    const initialDisplayDelayPresent = r.flag();
    const operatingPoints = r.bits(5) + 1;
    for (let i = 0; i < operatingPoints; i++) {
      r.skip(12); // operating_point_idc
      const levelIdx = r.bits(5);
      const tier = levelIdx > 7 ? r.bit() : 0;
      if (i === 0) {
        seqLevelIdx = levelIdx;
        seqTier = tier;
      }
      // operating_parameters_info (5.5.5): two buffer delays and low_delay_mode_flag
      if (decoderModelInfoPresent && r.flag()) r.skip(2 * bufferDelayLength + 1);
      if (initialDisplayDelayPresent && r.flag()) r.skip(4);
    }
  }
  const widthBits = r.bits(4) + 1;
  const heightBits = r.bits(4) + 1;
  const maxFrameWidth = r.bits(widthBits) + 1;
  const maxFrameHeight = r.bits(heightBits) + 1;
  return { seqProfile, stillPicture, seqLevelIdx, seqTier, maxFrameWidth, maxFrameHeight, frameRate };
}
