/** The two elementary track kinds the server carries. */
export type TrackKind = 'video' | 'audio';

export type VideoCodec = 'avc' | 'hevc' | 'av1' | 'vp9';
export type AudioCodec = 'aac' | 'opus';

/**
 * One access unit (video frame or audio frame) on the stream's 64-bit millisecond timeline.
 * Video payloads stay AVCC/HVCC (length-prefixed NAL units); AV1 payloads are OBUs; AAC payloads are
 * raw frames without ADTS. `payload` is a view into the received message, not a copy.
 */
export interface MediaPacket {
  track: TrackKind;
  codec: VideoCodec | AudioCodec;
  /** Decode timestamp in milliseconds (monotonic, extended past the 32-bit RTMP wrap). */
  dts: number;
  /** Presentation timestamp in milliseconds: dts + signed composition time. */
  pts: number;
  /** Random access point: an IDR/IRAP video frame; always true for audio. */
  keyframe: boolean;
  payload: Buffer;
}
