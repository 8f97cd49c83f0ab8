import { AV1_OBU, forEachNalUnit, readObus } from '@rapidrtmp/codecs';
import { FLV_TAG_TYPE, flvFileHeader, flvTag, packetTagBody, videoConfigBody } from '@rapidrtmp/flv';
import type { HevcConfig, MediaPacket, VideoConfig } from '@rapidrtmp/media-core';
import { ThumbnailError } from './thumbnail-error.js';

/** ffmpeg's name for the input format (`-f`), and the bytes to write to its stdin. */
export interface DecoderInput {
  format: 'flv' | 'hevc' | 'obu' | 'ivf' | 'mp4';
  chunks: Buffer[];
  /** Seconds into the input to take the picture at (`-ss` after the input: decoded up to it, exact). */
  seekSeconds?: number;
}

const START_CODE = Buffer.from([0, 0, 0, 1]);
/** obu_type 2 with obu_has_size_field, size 0 (AV1 5.3, 5.6). */
const TEMPORAL_DELIMITER = Buffer.from([0x12, 0x00]);

/**
 * One keyframe as a stream ffmpeg can decode alone. AVC goes as FLV (sequence header + the frame, legacy
 * tags every ffmpeg reads). Debian's ffmpeg 5.1 does not read Enhanced-RTMP FLV, so HEVC goes as an
 * Annex-B elementary stream (VPS/SPS/PPS from the record, then the frame's NAL units, each after a start
 * code), AV1 as a low-overhead OBU stream (temporal delimiter, the record's sequence header, the frame's
 * OBUs), VP9 as a one-frame IVF file. Payloads are referenced, except where framing must be rewritten.
 */
export function keyframeInput(config: VideoConfig, keyframe: MediaPacket): DecoderInput {
  switch (config.codec) {
    case 'avc':
      return {
        format: 'flv',
        chunks: [
          flvFileHeader({ audio: false, video: true }),
          ...flvTag(FLV_TAG_TYPE.video, 0, [videoConfigBody(config)]),
          ...flvTag(FLV_TAG_TYPE.video, 0, packetTagBody(keyframe)),
        ],
      };
    case 'hevc':
      return { format: 'hevc', chunks: hevcAnnexB(config, keyframe.payload) };
    case 'av1':
      return {
        format: 'obu',
        chunks: [TEMPORAL_DELIMITER, ...withSizes(config.record.subarray(4)), ...withSizes(keyframe.payload)],
      };
    case 'vp9':
      return { format: 'ivf', chunks: ivfOneFrame(config.width, config.height, keyframe.payload) };
  }
}

function hevcAnnexB(config: HevcConfig, payload: Buffer): Buffer[] {
  const parameterSets = [...(config.vps ?? []), ...(config.sps ?? []), ...(config.pps ?? [])];
  if (parameterSets.length === 0) throw new ThumbnailError('unsupported', 'the HEVC record carries no parameter sets');
  const chunks: Buffer[] = [];
  for (const nal of parameterSets) chunks.push(START_CODE, nal);
  forEachNalUnit(payload, config.nalLengthSize, (nal) => chunks.push(START_CODE, nal));
  return chunks;
}

/**
 * OBUs as the low-overhead format wants them: each with obu_size (MP4 and E-RTMP may leave it out on the
 * last OBU of a sample), temporal delimiters dropped (one is written first).
 */
function withSizes(obus: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (const obu of readObus(obus)) {
    if (obu.type === AV1_OBU.temporalDelimiter) continue;
    // Without obu_size the header is the obu_header alone (1 byte, 2 with the extension): set the flag.
    const header = Buffer.from(obu.data.subarray(0, obu.data.length - obu.payload.length));
    if (header.readUInt8(0) & 0x02) {
      out.push(obu.data);
      continue;
    }
    header.writeUInt8(header.readUInt8(0) | 0x02, 0);
    out.push(header, leb128(obu.payload.length), obu.payload);
  }
  return out;
}

function leb128(value: number): Buffer {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return Buffer.from(bytes);
}

/** An IVF file (the VP8/VP9 test container libvpx writes) holding one frame. */
function ivfOneFrame(width: number, height: number, frame: Buffer): Buffer[] {
  const header = Buffer.alloc(32);
  header.write('DKIF', 0, 'latin1');
  header.writeUInt16LE(0, 4); // version
  header.writeUInt16LE(32, 6); // header size
  header.write('VP90', 8, 'latin1');
  header.writeUInt16LE(width, 12);
  header.writeUInt16LE(height, 14);
  header.writeUInt32LE(1000, 16); // time base denominator: milliseconds
  header.writeUInt32LE(1, 20);
  header.writeUInt32LE(1, 24); // frame count
  const frameHeader = Buffer.alloc(12);
  frameHeader.writeUInt32LE(frame.length, 0);
  return [header, frameHeader, frame];
}
