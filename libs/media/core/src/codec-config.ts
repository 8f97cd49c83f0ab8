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
  // The fields below are always set by @rapidrtmp/codecs; optional so hand-built configs stay valid.
  /** general_profile_space (0-3), general_tier_flag (0 Main, 1 High), general_profile_idc. */
  profileSpace?: number;
  tierFlag?: number;
  profileIdc?: number;
  /** general_profile_compatibility_flags as the 32-bit big-endian value of the record. */
  profileCompatibilityFlags?: number;
  /** general_constraint_indicator_flags: the record's 6 bytes. */
  constraintIndicatorFlags?: Buffer;
  /** general_level_idc (30 x level, e.g. 93 = 3.1). */
  levelIdc?: number;
  chromaFormatIdc?: number;
  bitDepthLuma?: number;
  bitDepthChroma?: number;
  /** Parameter set NAL units (views into `record`), in record order. */
  vps?: Buffer[];
  sps?: Buffer[];
  pps?: Buffer[];
}

/** Parsed AV1CodecConfigurationRecord. */
export interface Av1Config {
  codec: 'av1';
  record: Buffer;
  /** From the sequence header OBU in configOBUs; 0 when the record carries none. */
  width: number;
  height: number;
  frameRate?: number;
  /** e.g. `av01.0.08M.08` */
  codecString: string;
  // Always set by @rapidrtmp/codecs; optional so hand-built configs stay valid.
  seqProfile?: number;
  /** seq_level_idx_0 (e.g. 8 = level 4.0). */
  seqLevelIdx?: number;
  /** seq_tier_0: 0 Main, 1 High. */
  tier?: number;
  bitDepth?: number;
  monochrome?: boolean;
  chromaSubsamplingX?: number;
  chromaSubsamplingY?: number;
  chromaSamplePosition?: number;
}

/** VP9 codec configuration record (vpcC contents). */
export interface Vp9Config {
  codec: 'vp9';
  record: Buffer;
  /** vpcC carries no picture size: 0 until known from a keyframe's uncompressed header. */
  width: number;
  height: number;
  frameRate?: number;
  codecString: string;
  // Always set by @rapidrtmp/codecs; optional so hand-built configs stay valid.
  profile?: number;
  level?: number;
  bitDepth?: number;
  /** 0 = 4:2:0 vertical, 1 = 4:2:0 colocated, 2 = 4:2:2, 3 = 4:4:4. */
  chromaSubsampling?: number;
  fullRange?: boolean;
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
  // Always set by @rapidrtmp/codecs; optional so hand-built configs stay valid.
  /** samplingFrequencyIndex (15 = explicit 24-bit rate). */
  samplingFrequencyIndex?: number;
  /** channelConfiguration (0 = described by a program_config_element). */
  channelConfiguration?: number;
  /** SBR signalled (HE-AAC), explicitly (object type 5/29) or by the 0x2b7 sync extension. */
  sbr?: boolean;
  /** Parametric stereo signalled (HE-AAC v2). */
  ps?: boolean;
  /**
   * Output rate after SBR (usually 2 x sampleRate). `sampleRate` stays the core rate: frames are
   * `samplesPerFrame` core samples, which is what timestamps and `mp4a` count in.
   */
  extensionSampleRate?: number;
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
