import { AmfEcmaArray, encodeAmf0, type AmfValue } from '@rapidrtmp/amf';
import type { AudioConfig, MediaPacket, OpusConfig, VideoConfig, VideoCodec } from '@rapidrtmp/media-core';
import { AUDIO_PACKET_TYPE, VIDEO_PACKET_TYPE } from './enhanced-rtmp.js';
import type { FLV_TAG_TYPE } from './flv-file-reader.js';
import { FRAME_TYPE } from './video-tag.js';

/**
 * The way back from demuxed packets to FLV tag bodies (= RTMP message payloads) and to an FLV byte
 * stream: what RTMP playback, HTTP-FLV, restream push and thumbnail decoding send. AVC and AAC use the
 * legacy headers every player knows; HEVC, AV1, VP9 and Opus use the E-RTMP FourCC headers (the only
 * standard way to carry them). Packet payloads are never copied: a tag is `[header, payload view]`.
 */

/** FLV TagType (FLV spec E.4.1). */
export type FlvTagType = (typeof FLV_TAG_TYPE)[keyof typeof FLV_TAG_TYPE];

/** FLV header (9 bytes) + PreviousTagSize0: how an FLV file or HTTP-FLV response starts. */
export function flvFileHeader(tracks: { audio: boolean; video: boolean }): Buffer {
  const flags = (tracks.audio ? 0x04 : 0) | (tracks.video ? 0x01 : 0);
  return Buffer.from([0x46, 0x4c, 0x56, 0x01, flags, 0, 0, 0, 9, 0, 0, 0, 0]);
}

const LEGACY_AVC = 7;
const AAC_HEADER_BYTE = 0xaf; // SoundFormat 10 (AAC), 44 kHz, 16-bit, stereo: fixed for AAC (FLV spec E.4.2.1)
const EX_AUDIO_HEADER = 0x90; // SoundFormat 9: E-RTMP ExAudioTagHeader

const VIDEO_FOURCC: Record<Exclude<VideoCodec, 'avc'>, number> = {
  hevc: fourCc('hvc1'),
  av1: fourCc('av01'),
  vp9: fourCc('vp09'),
};

function fourCc(text: string): number {
  return Buffer.from(text, 'latin1').readUInt32BE(0);
}

const OPUS_FOURCC = fourCc('Opus');

/**
 * Every coded audio frame of a codec has the same tag header: one shared buffer each (never written after
 * this), instead of an allocation per frame.
 */
const AAC_FRAME_HEADER = Buffer.from([AAC_HEADER_BYTE, 1]);
const OPUS_FRAME_HEADER = Buffer.alloc(5);
OPUS_FRAME_HEADER[0] = EX_AUDIO_HEADER | AUDIO_PACKET_TYPE.codedFrames;
OPUS_FRAME_HEADER.writeUInt32BE(OPUS_FOURCC, 1);

/** The tag body of a video sequence header (AVCDecoderConfigurationRecord, hvcC, av1C or vpcC). */
export function videoConfigBody(config: VideoConfig): Buffer {
  if (config.codec === 'avc') {
    const header = Buffer.from([(FRAME_TYPE.key << 4) | LEGACY_AVC, 0, 0, 0, 0]);
    return Buffer.concat([header, config.record]);
  }
  const header = Buffer.allocUnsafe(5);
  header[0] = 0x80 | (FRAME_TYPE.key << 4) | VIDEO_PACKET_TYPE.sequenceStart;
  header.writeUInt32BE(VIDEO_FOURCC[config.codec], 1);
  return Buffer.concat([header, config.record]);
}

/** The tag body of an audio sequence header (AudioSpecificConfig or OpusHead). */
export function audioConfigBody(config: AudioConfig): Buffer {
  if (config.codec === 'aac') return Buffer.concat([Buffer.from([AAC_HEADER_BYTE, 0]), config.asc]);
  const header = Buffer.allocUnsafe(5);
  header[0] = EX_AUDIO_HEADER | AUDIO_PACKET_TYPE.sequenceStart;
  header.writeUInt32BE(OPUS_FOURCC, 1);
  return Buffer.concat([header, opusHead(config)]);
}

/** RFC 7845 5.1 identification header, rebuilt from the parsed fields (the config keeps no raw copy). */
export function opusHead(config: OpusConfig): Buffer {
  const mapping = config.channelMappingFamily !== 0 ? (config.channelMapping ?? Buffer.alloc(0)) : Buffer.alloc(0);
  const out = Buffer.alloc(19 + mapping.length);
  out.write('OpusHead', 0, 'latin1');
  out[8] = 1;
  out[9] = config.channels;
  out.writeUInt16LE(config.preSkip, 10);
  out.writeUInt32LE(config.inputSampleRate, 12);
  out.writeInt16LE(config.outputGain, 16);
  out[18] = config.channelMappingFamily;
  mapping.copy(out, 19);
  return out;
}

/**
 * The tag header that goes before a coded frame's payload: 5 bytes for AVC (frame type, AVCPacketType 1,
 * SI24 composition time), 8 for HEVC (FourCC + SI24), 5 for AV1/VP9, 2 for AAC, 5 for Opus. Read-only:
 * the audio headers are shared by every frame.
 */
export function packetTagHeader(packet: MediaPacket): Buffer {
  if (packet.track === 'audio') {
    return packet.codec === 'aac' ? AAC_FRAME_HEADER : OPUS_FRAME_HEADER;
  }
  const frameType = packet.keyframe ? FRAME_TYPE.key : FRAME_TYPE.inter;
  const compositionTime = Math.round(packet.pts - packet.dts);
  if (packet.codec === 'avc') {
    const header = Buffer.allocUnsafe(5);
    header[0] = (frameType << 4) | LEGACY_AVC;
    header[1] = 1;
    header.writeIntBE(compositionTime, 2, 3);
    return header;
  }
  const codec = packet.codec as Exclude<VideoCodec, 'avc'>;
  const withComposition = codec === 'hevc' && compositionTime !== 0;
  const header = Buffer.allocUnsafe(withComposition ? 8 : 5);
  const packetType = withComposition ? VIDEO_PACKET_TYPE.codedFrames : VIDEO_PACKET_TYPE.codedFramesX;
  header[0] = 0x80 | (frameType << 4) | packetType;
  header.writeUInt32BE(VIDEO_FOURCC[codec], 1);
  if (withComposition) header.writeIntBE(compositionTime, 5, 3);
  return header;
}

/** The tag body of a coded frame as `[header, payload]`: the payload is the packet's own view. */
export function packetTagBody(packet: MediaPacket): [Buffer, Buffer] {
  return [packetTagHeader(packet), packet.payload];
}

/**
 * The `onMetaData` script tag body players read first: the publisher's metadata with what the configs
 * say about the tracks (their values win: they describe what is actually sent).
 */
export function metadataBody(
  metadata: Record<string, unknown>,
  tracks: { video?: VideoConfig; audio?: AudioConfig },
): Buffer {
  return encodeAmf0('onMetaData', AmfEcmaArray.from(metadataEntries(metadata, tracks)));
}

/**
 * The entries of that `onMetaData` (scalars only, track values from the configs, no duration or file
 * size), for senders that frame it themselves (an RTMP publisher's `@setDataFrame`).
 */
export function metadataEntries(
  metadata: Record<string, unknown>,
  tracks: { video?: VideoConfig; audio?: AudioConfig },
): Record<string, AmfValue> {
  const entries: Record<string, AmfValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (isAmfScalar(value)) entries[key] = value;
  }
  const { video, audio } = tracks;
  if (video) {
    if (video.width > 0) entries.width = video.width;
    if (video.height > 0) entries.height = video.height;
    if (video.frameRate) entries.framerate = video.frameRate;
    entries.videocodecid = video.codec === 'avc' ? LEGACY_AVC : VIDEO_FOURCC[video.codec];
  }
  if (audio) {
    entries.audiosamplerate = audio.sampleRate;
    entries.stereo = audio.channels > 1;
    entries.audiocodecid = audio.codec === 'aac' ? 10 : OPUS_FOURCC;
  }
  delete entries.duration; // live: a publisher's duration (0 or a file's) would make players seek
  delete entries.filesize;
  return entries;
}

/** Metadata values worth passing on: the publisher's nested objects and arrays are dropped. */
function isAmfScalar(value: unknown): value is number | boolean | string {
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string';
}

/** FLV timestamps are UI24 + UI8 extension: 32 bits of milliseconds that wrap, as RTMP's do. */
export function flvTimestamp(milliseconds: number): number {
  return Math.floor(milliseconds) % 0x1_0000_0000;
}

/**
 * One FLV tag in a byte stream: the 11-byte tag header, the body's buffers as given (views, not copies),
 * and the 4-byte PreviousTagSize that follows every tag.
 */
export function flvTag(type: FlvTagType, timestamp: number, body: readonly Buffer[]): Buffer[] {
  let size = 0;
  for (const part of body) size += part.length;
  const ts = flvTimestamp(timestamp);
  const header = Buffer.allocUnsafe(11);
  header[0] = type;
  header.writeUIntBE(size, 1, 3);
  header.writeUIntBE(ts & 0xffffff, 4, 3);
  header[7] = ts >>> 24;
  header.writeUIntBE(0, 8, 3); // StreamID: always 0
  const trailer = Buffer.allocUnsafe(4);
  trailer.writeUInt32BE(size + 11, 0);
  return [header, ...body, trailer];
}
