/** Parsed H.264 AVCDecoderConfigurationRecord plus what the SPS tells about the picture. */
export interface AvcConfig {
  codec: 'avc';
  /** The raw AVCDecoderConfigurationRecord, written verbatim into `avcC`. */
  record: Buffer;
  profileIdc: number;
  profileCompatibility: number;
  levelIdc: number;
  /** NAL unit length field size in bytes (lengthSizeMinusOne + 1): 1, 2 or 4. */
  nalLengthSize: number;
  sps: Buffer[];
  pps: Buffer[];
  width: number;
  height: number;
  /** Frames per second from the SPS VUI timing info, when present. */
  frameRate?: number;
  /** Sample aspect ratio from the VUI (1:1 when absent). */
  sarWidth: number;
  sarHeight: number;
  /** RFC 6381 codec string, e.g. `avc1.64001f`. */
  codecString: string;
}

/** Parsed HEVCDecoderConfigurationRecord. */
export interface HevcConfig {
  codec: 'hevc';
  record: Buffer;
  nalLengthSize: number;
  width: number;
  height: number;
  frameRate?: number;
  /** e.g. `hvc1.1.6.L93.B0` */
  codecString: string;
}

/** Parsed AV1CodecConfigurationRecord. */
export interface Av1Config {
  codec: 'av1';
  record: Buffer;
  width: number;
  height: number;
  frameRate?: number;
  /** e.g. `av01.0.08M.08` */
  codecString: string;
}

/** VP9 codec configuration record (vpcC contents). */
export interface Vp9Config {
  codec: 'vp9';
  record: Buffer;
  width: number;
  height: number;
  frameRate?: number;
  codecString: string;
}

/** Parsed MPEG-4 AudioSpecificConfig. */
export interface AacConfig {
  codec: 'aac';
  /** The raw AudioSpecificConfig, written into `esds`. */
  asc: Buffer;
  /** Audio object type (2 = AAC-LC, 5 = SBR/HE-AAC, 29 = PS). */
  objectType: number;
  sampleRate: number;
  channels: number;
  /** PCM samples per AAC frame: 1024 (960 for the rare short-frame variant). */
  samplesPerFrame: number;
  /** e.g. `mp4a.40.2` */
  codecString: string;
}

/** Opus identification header fields, for the `dOps` box. */
export interface OpusConfig {
  codec: 'opus';
  channels: number;
  preSkip: number;
  inputSampleRate: number;
  outputGain: number;
  channelMappingFamily: number;
  /** Stream count, coupled count and mapping when channelMappingFamily != 0. */
  channelMapping?: Buffer;
  /** Opus always runs at 48 kHz in MP4. */
  sampleRate: 48000;
  codecString: 'opus';
}

export type VideoConfig = AvcConfig | HevcConfig | Av1Config | Vp9Config;
export type AudioConfig = AacConfig | OpusConfig;
export type CodecConfig = VideoConfig | AudioConfig;
