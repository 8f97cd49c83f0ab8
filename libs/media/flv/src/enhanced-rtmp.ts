import { ByteReader, MediaFormatError } from '@rapidrtmp/media-core';

/**
 * Enhanced RTMP (Veovera E-RTMP v1/v2) tag header vocabulary shared by video and audio tags.
 * Spec: https://github.com/veovera/enhanced-rtmp, "Enhanced Video" / "Enhanced Audio".
 */

/** VideoPacketType (E-RTMP "ExVideoTagHeader"). */
export const VIDEO_PACKET_TYPE = {
  sequenceStart: 0,
  codedFrames: 1,
  sequenceEnd: 2,
  /** CodedFrames without the SI24 composition time: it is implicitly 0. */
  codedFramesX: 3,
  metadata: 4,
  mpeg2TsSequenceStart: 5,
  multitrack: 6,
  modEx: 7,
} as const;

/** AudioPacketType (E-RTMP "ExAudioTagHeader"). */
export const AUDIO_PACKET_TYPE = {
  sequenceStart: 0,
  codedFrames: 1,
  sequenceEnd: 2,
  multichannelConfig: 4,
  multitrack: 5,
  modEx: 7,
} as const;

/** The one ModEx type defined so far (same value for audio and video). */
const MOD_EX_TIMESTAMP_OFFSET_NANO = 0;

/** Reads the FourCC that follows an E-RTMP header byte, as a 4-character string (e.g. `hvc1`). */
export function readFourCc(r: ByteReader): string {
  return r.bytes(4).toString('latin1');
}

/**
 * Consumes the E-RTMP v2 ModEx prelude chain while the packet type is ModEx: each entry is
 * modExDataSize (UI8 + 1, or UI16 + 1 after a 0xFF escape), the data, then a byte whose high nibble
 * is the ModEx type and whose low nibble is the next packet type. Returns the final packet type and
 * the TimestampOffsetNano (0..999999 ns added to the millisecond timestamp) when one was sent.
 */
export function readModEx(
  r: ByteReader,
  packetType: number,
  modExType: number,
): { packetType: number; timestampNanoOffset?: number } {
  let timestampNanoOffset: number | undefined;
  while (packetType === modExType) {
    let size = r.u8() + 1;
    if (size === 256) size = r.u16() + 1;
    const data = r.bytes(size);
    const next = r.u8();
    packetType = next & 0x0f;
    if (next >> 4 === MOD_EX_TIMESTAMP_OFFSET_NANO) {
      if (data.length < 3)
        throw new MediaFormatError('flv-modex-invalid', `TimestampOffsetNano of ${data.length} bytes`);
      timestampNanoOffset = data.readUIntBE(0, 3);
    }
  }
  return { packetType, timestampNanoOffset };
}
