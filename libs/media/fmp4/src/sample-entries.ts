// Sample entries (ISO/IEC 14496-12 12.1.3 / 12.2.3) and the codec configuration boxes they carry.
// Codec knowledge stays out: configuration records come parsed from @rapidrtmp/media-core configs and are
// written verbatim; only the container framing around them is built here.
import type { AacConfig, Av1Config, AvcConfig, HevcConfig, OpusConfig, Vp9Config } from '@rapidrtmp/media-core';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { type Box, rawBox } from './box.js';
import type { ByteWriter } from './byte-writer.js';
import { BOX, type FourCC } from './fourcc.js';
import type { TrackBitrate } from './types.js';

const VISUAL_ENTRY_BODY = 78;
const AUDIO_ENTRY_BODY = 28;
const DATA_REFERENCE_INDEX = 1;

/** VisualSampleEntry fields (12.1.3): 72 dpi, one frame per sample, 24-bit depth. */
function writeVisualFields(w: ByteWriter, width: number, height: number): void {
  w.zeros(6); // reserved
  w.u16(DATA_REFERENCE_INDEX);
  w.zeros(16); // pre_defined, reserved, pre_defined[3]
  w.u16(width);
  w.u16(height);
  w.u32(0x0048_0000); // horizresolution 72 dpi
  w.u32(0x0048_0000); // vertresolution
  w.u32(0); // reserved
  w.u16(1); // frame_count
  w.zeros(32); // compressorname (empty Pascal string)
  w.u16(0x0018); // depth
  w.i16(-1); // pre_defined
}

function visualSampleEntry(type: FourCC, width: number, height: number, children: Box[]): Box {
  return {
    type,
    bodySize: VISUAL_ENTRY_BODY,
    write: (w) => writeVisualFields(w, width, height),
    children,
  };
}

/** AudioSampleEntry fields (12.2.3): samplerate is 16.16, so rates above 65535 Hz are written as 0. */
function audioSampleEntry(type: FourCC, channels: number, sampleRate: number, children: Box[]): Box {
  return {
    type,
    bodySize: AUDIO_ENTRY_BODY,
    write: (w) => {
      w.zeros(6); // reserved
      w.u16(DATA_REFERENCE_INDEX);
      w.zeros(8); // reserved
      w.u16(channels);
      w.u16(16); // samplesize
      w.u16(0); // pre_defined
      w.u16(0); // reserved
      w.u32(sampleRate <= 0xffff ? sampleRate * 0x1_0000 : 0);
    },
    children,
  };
}

/** Pixel aspect ratio (12.1.4). */
export function pasp(hSpacing: number, vSpacing: number): Box {
  return {
    type: BOX.pasp,
    bodySize: 8,
    write: (w) => {
      w.u32(hSpacing);
      w.u32(vSpacing);
    },
  };
}

/** Bit rate box (8.5.2.2). */
export function btrt(bitrate: TrackBitrate): Box {
  return {
    type: BOX.btrt,
    bodySize: 12,
    write: (w) => {
      w.u32(bitrate.bufferSizeDB);
      w.u32(bitrate.maxBitrate);
      w.u32(bitrate.avgBitrate);
    },
  };
}

function videoExtras(sarWidth: number, sarHeight: number, bitrate?: TrackBitrate): Box[] {
  const extras = [pasp(sarWidth, sarHeight)];
  if (bitrate) extras.push(btrt(bitrate));
  return extras;
}

/** AVCDecoderConfigurationRecord, verbatim from the RTMP AVC sequence header (ISO/IEC 14496-15 5.3.3). */
export function avcC(record: Buffer): Box {
  return rawBox(BOX.avcC, record);
}

export function avc1(config: AvcConfig, bitrate?: TrackBitrate): Box {
  return visualSampleEntry(BOX.avc1, config.width, config.height, [
    avcC(config.record),
    ...videoExtras(config.sarWidth || 1, config.sarHeight || 1, bitrate),
  ]);
}

/** HEVCDecoderConfigurationRecord (ISO/IEC 14496-15 8.3.3). */
export function hvcC(record: Buffer): Box {
  return rawBox(BOX.hvcC, record);
}

/**
 * `hvc1` says every parameter set is in hvcC; `hev1` allows them in band (ISO/IEC 14496-15 8.4.1).
 * The config's codec string names the one the record was made for; Apple players want hvc1.
 */
export function hvc1(config: HevcConfig, bitrate?: TrackBitrate): Box {
  const type = config.codecString.startsWith('hev1') ? BOX.hev1 : BOX.hvc1;
  return visualSampleEntry(type, config.width, config.height, [hvcC(config.record), ...videoExtras(1, 1, bitrate)]);
}

/** AV1CodecConfigurationRecord (AV1 in ISOBMFF 2.3). */
export function av1C(record: Buffer): Box {
  return rawBox(BOX.av1C, record);
}

export function av01(config: Av1Config, bitrate?: TrackBitrate): Box {
  return visualSampleEntry(BOX.av01, config.width, config.height, [av1C(config.record), ...videoExtras(1, 1, bitrate)]);
}

/**
 * VP Codec Configuration Box (VP9 in ISOBMFF 2.2): a FullBox, version 1. Accepts the record with or
 * without that FullBox header, since both shapes are called "vpcC contents" in the wild.
 */
export function vpcC(record: Buffer): Box {
  const hasHeader =
    record.length >= 12 &&
    record[0] === 1 &&
    record.readUIntBE(1, 3) === 0 &&
    record.length === 12 + record.readUInt16BE(10);
  const body = hasHeader ? record.subarray(4) : record;
  if (body.length < 8) throw new MediaFormatError('fmp4-vpcc-truncated', `${body.length} bytes`);
  return { type: BOX.vpcC, version: 1, flags: 0, bodySize: body.length, write: (w) => w.bytes(body) };
}

export function vp09(config: Vp9Config, bitrate?: TrackBitrate): Box {
  return visualSampleEntry(BOX.vp09, config.width, config.height, [vpcC(config.record), ...videoExtras(1, 1, bitrate)]);
}

/** Size field of an MPEG-4 descriptor (ISO/IEC 14496-1 8.3.3): 7 bits per byte, high bit = more follows. */
function descriptorSizeLength(size: number): number {
  let length = 1;
  while (size >= 1 << (7 * length)) length++;
  return length;
}

function writeDescriptorHeader(w: ByteWriter, tag: number, size: number): void {
  w.u8(tag);
  for (let i = descriptorSizeLength(size) - 1; i >= 0; i--) w.u8(((size >> (7 * i)) & 0x7f) | (i > 0 ? 0x80 : 0));
}

const ES_DESCRIPTOR_TAG = 0x03;
const DECODER_CONFIG_TAG = 0x04;
const DECODER_SPECIFIC_INFO_TAG = 0x05;
const SL_CONFIG_TAG = 0x06;
/** objectTypeIndication for MPEG-4 Audio (ISO/IEC 14496-1 table 5). */
const OTI_MPEG4_AUDIO = 0x40;
/** streamType 5 (AudioStream) << 2 | upStream 0 | reserved 1. */
const AUDIO_STREAM_TYPE_BYTE = (0x05 << 2) | 1;

/**
 * Elementary stream descriptor box (ISO/IEC 14496-14 5.6): ES_Descriptor > DecoderConfigDescriptor >
 * DecoderSpecificInfo (the AudioSpecificConfig), then an SLConfigDescriptor with predefined = 2.
 */
export function esds(asc: Buffer, bitrate?: TrackBitrate): Box {
  const dsiSize = asc.length;
  const dcdSize = 13 + 1 + descriptorSizeLength(dsiSize) + dsiSize;
  const esSize = 3 + 1 + descriptorSizeLength(dcdSize) + dcdSize + 3;
  return {
    type: BOX.esds,
    version: 0,
    flags: 0,
    bodySize: 1 + descriptorSizeLength(esSize) + esSize,
    write: (w) => {
      writeDescriptorHeader(w, ES_DESCRIPTOR_TAG, esSize);
      w.u16(0); // ES_ID: 0, the track carries it (14496-14 3.1.2)
      w.u8(0); // no stream dependence, URL or OCR stream
      writeDescriptorHeader(w, DECODER_CONFIG_TAG, dcdSize);
      w.u8(OTI_MPEG4_AUDIO);
      w.u8(AUDIO_STREAM_TYPE_BYTE);
      w.u24(bitrate?.bufferSizeDB ?? 0);
      w.u32(bitrate?.maxBitrate ?? 0);
      w.u32(bitrate?.avgBitrate ?? 0);
      writeDescriptorHeader(w, DECODER_SPECIFIC_INFO_TAG, dsiSize);
      w.bytes(asc);
      writeDescriptorHeader(w, SL_CONFIG_TAG, 1);
      w.u8(2); // predefined: reserved for MP4 files
    },
  };
}

export function mp4a(config: AacConfig, bitrate?: TrackBitrate): Box {
  const children = [esds(config.asc, bitrate)];
  if (bitrate) children.push(btrt(bitrate));
  // channelConfiguration 0 (layout in a PCE) reports no count; 2 is the conventional placeholder (12.2.3.2).
  return audioSampleEntry(BOX.mp4a, config.channels || 2, config.sampleRate, children);
}

/** Opus specific box (Opus in ISOBMFF 4.3.2): big-endian, unlike the Ogg OpusHead it mirrors. */
export function dOps(config: OpusConfig): Box {
  const mapping = config.channelMappingFamily !== 0 ? config.channelMapping : undefined;
  if (config.channelMappingFamily !== 0 && (!mapping || mapping.length < 2 + config.channels)) {
    throw new MediaFormatError('fmp4-opus-mapping-missing', `family ${config.channelMappingFamily}`);
  }
  return {
    type: BOX.dOps,
    bodySize: 11 + (mapping?.length ?? 0),
    write: (w) => {
      w.u8(0); // Version
      w.u8(config.channels);
      w.u16(config.preSkip);
      w.u32(config.inputSampleRate);
      w.i16(config.outputGain);
      w.u8(config.channelMappingFamily);
      if (mapping) w.bytes(mapping);
    },
  };
}

/** Opus sample entry: samplerate is always 48000 (Opus in ISOBMFF 4.3.1). */
export function opus(config: OpusConfig, bitrate?: TrackBitrate): Box {
  const children = [dOps(config)];
  if (bitrate) children.push(btrt(bitrate));
  return audioSampleEntry(BOX.Opus, config.channels, 48000, children);
}
