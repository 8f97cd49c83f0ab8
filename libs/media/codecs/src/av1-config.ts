import { MediaFormatError, type Av1Config } from '@rapidrtmp/media-core';
import { AV1_OBU, parseAv1SequenceHeader, readObus } from './av1-obu.js';

const RECORD_HEADER_SIZE = 4;

/** AV1 codec string (AV1-ISOBMFF Codecs Parameter String): `av01.P.LLT.DD`, e.g. `av01.0.08M.10`. */
export function av1CodecString(seqProfile: number, seqLevelIdx: number, tier: number, bitDepth: number): string {
  const level = String(seqLevelIdx).padStart(2, '0');
  return `av01.${seqProfile}.${level}${tier ? 'H' : 'M'}.${String(bitDepth).padStart(2, '0')}`;
}

/**
 * Parses an AV1CodecConfigurationRecord (AV1-ISOBMFF 2.3.3): four bytes of sequence-level fields, then
 * configOBUs. The picture size comes from the sequence header OBU there; when the record has none
 * (allowed), width and height are 0 and the first keyframe's sequence header tells.
 */
export function parseAv1Config(record: Buffer): Av1Config {
  if (record.length < RECORD_HEADER_SIZE) throw new MediaFormatError('av1-config-truncated', `${record.length} bytes`);
  const marker = record.readUInt8(0) >> 7;
  const version = record.readUInt8(0) & 0x7f;
  if (marker !== 1 || version !== 1) {
    throw new MediaFormatError('av1-config-version', `marker ${marker} version ${version}`);
  }
  const seqProfile = record.readUInt8(1) >> 5;
  const seqLevelIdx = record.readUInt8(1) & 0x1f;
  const flags = record.readUInt8(2);
  const tier = flags >> 7;
  const highBitdepth = (flags >> 6) & 1;
  const twelveBit = (flags >> 5) & 1;
  const bitDepth = highBitdepth ? (twelveBit ? 12 : 10) : 8;

  let width = 0;
  let height = 0;
  let frameRate: number | undefined;
  const sequenceHeader = readObus(record.subarray(RECORD_HEADER_SIZE)).find(
    (obu) => obu.type === AV1_OBU.sequenceHeader,
  );
  if (sequenceHeader) {
    const header = parseAv1SequenceHeader(sequenceHeader.payload);
    width = header.maxFrameWidth;
    height = header.maxFrameHeight;
    frameRate = header.frameRate;
  }
  return {
    codec: 'av1',
    record,
    width,
    height,
    frameRate,
    codecString: av1CodecString(seqProfile, seqLevelIdx, tier, bitDepth),
    seqProfile,
    seqLevelIdx,
    tier,
    bitDepth,
    monochrome: ((flags >> 4) & 1) === 1,
    chromaSubsamplingX: (flags >> 3) & 1,
    chromaSubsamplingY: (flags >> 2) & 1,
    chromaSamplePosition: flags & 0x03,
  };
}
