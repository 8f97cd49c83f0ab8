import { ByteReader, MediaFormatError, type AudioCodec } from '@rapidrtmp/media-core';
import { AUDIO_PACKET_TYPE, readFourCc, readModEx } from './enhanced-rtmp.js';

export type FlvAudioPacketType = 'sequence-start' | 'coded-frames' | 'sequence-end' | 'multichannel-config';

/** A parsed FLV AUDIODATA body (= RTMP message type 8 payload). `payload` is a view, not a copy. */
export interface FlvAudioTag {
  /** True for an E-RTMP ExAudioTagHeader (SoundFormat 9, FourCC signalling). */
  enhanced: boolean;
  /** The codec, or undefined for a SoundFormat / FourCC this server does not carry. */
  codec: AudioCodec | undefined;
  /** Legacy SoundFormat as a decimal string (`'10'`) or the FourCC (`'Opus'`), for logs and counters. */
  codecTag: string;
  packetType: FlvAudioPacketType;
  /** Legacy SoundRate/SoundSize/SoundType bits; meaningless for AAC, whose ASC is authoritative. */
  soundRate?: number;
  soundSize?: number;
  soundType?: number;
  /** E-RTMP v2 ModEx TimestampOffsetNano (0..999999 ns), when sent. */
  timestampNanoOffset?: number;
  /** AudioSpecificConfig / OpusHead, raw AAC or Opus frame, per `packetType`. */
  payload: Buffer;
}

/** SoundFormat values (FLV spec E.4.2.1; 9 = E-RTMP ExHeader). */
const SOUND_FORMAT_EX_HEADER = 9;
const SOUND_FORMAT_AAC = 10;

const AUDIO_FOURCC = new Map<string, AudioCodec>([
  ['Opus', 'opus'],
  ['mp4a', 'aac'],
]);

const ENHANCED_PACKET_TYPES: Record<number, FlvAudioPacketType> = {
  [AUDIO_PACKET_TYPE.sequenceStart]: 'sequence-start',
  [AUDIO_PACKET_TYPE.codedFrames]: 'coded-frames',
  [AUDIO_PACKET_TYPE.sequenceEnd]: 'sequence-end',
  [AUDIO_PACKET_TYPE.multichannelConfig]: 'multichannel-config',
};

/**
 * Parses an FLV/RTMP audio tag body: the legacy AudioTagHeader (FLV spec E.4.2.1; AAC with
 * AACPacketType 0 = AudioSpecificConfig, 1 = raw frame) and the E-RTMP ExAudioTagHeader (FourCC `Opus`
 * and `mp4a`; ModEx preludes skipped). Multitrack is rejected (`flv-audio-multitrack-unsupported`).
 */
export function parseAudioTag(body: Buffer): FlvAudioTag {
  const r = new ByteReader(body, 'flv-audio-truncated');
  const first = r.u8();
  const soundFormat = first >> 4;
  if (soundFormat === SOUND_FORMAT_EX_HEADER) return parseEnhanced(r, first);

  const codecTag = LEGACY_FORMAT_TAGS[soundFormat] ?? String(soundFormat); // 4 bits: always in the table
  const soundRate = (first >> 2) & 0x03;
  const soundSize = (first >> 1) & 0x01;
  const soundType = first & 0x01;
  if (soundFormat !== SOUND_FORMAT_AAC) {
    return audioTag(false, undefined, codecTag, 'coded-frames', soundRate, soundSize, soundType, undefined, r.rest());
  }
  const aacPacketType = r.u8();
  if (aacPacketType > 1) throw new MediaFormatError('flv-audio-packet-type', `AACPacketType ${aacPacketType}`);
  const packetType = aacPacketType === 0 ? 'sequence-start' : 'coded-frames';
  return audioTag(false, 'aac', codecTag, packetType, soundRate, soundSize, soundType, undefined, r.rest());
}

const LEGACY_FORMAT_TAGS = Array.from({ length: 16 }, (_, format) => String(format));

/** All tag objects share one shape (fields in one order), keeping the per-frame path monomorphic. */
function audioTag(
  enhanced: boolean,
  codec: AudioCodec | undefined,
  codecTag: string,
  packetType: FlvAudioPacketType,
  soundRate: number | undefined,
  soundSize: number | undefined,
  soundType: number | undefined,
  timestampNanoOffset: number | undefined,
  payload: Buffer,
): FlvAudioTag {
  return { enhanced, codec, codecTag, packetType, soundRate, soundSize, soundType, timestampNanoOffset, payload };
}

function parseEnhanced(r: ByteReader, first: number): FlvAudioTag {
  const { packetType: type, timestampNanoOffset } = readModEx(r, first & 0x0f, AUDIO_PACKET_TYPE.modEx);
  if (type === AUDIO_PACKET_TYPE.multitrack) {
    throw new MediaFormatError('flv-audio-multitrack-unsupported', 'E-RTMP audio multitrack');
  }
  const packetType = ENHANCED_PACKET_TYPES[type];
  if (!packetType) throw new MediaFormatError('flv-audio-packet-type', `AudioPacketType ${type}`);
  const codecTag = readFourCc(r);
  const codec = AUDIO_FOURCC.get(codecTag);
  return audioTag(true, codec, codecTag, packetType, undefined, undefined, undefined, timestampNanoOffset, r.rest());
}
