import { MediaFormatError, type AacConfig } from '@rapidrtmp/media-core';
import { BitReader } from './bit-reader.js';

/** samplingFrequencyIndex -> Hz (ISO/IEC 14496-3 1.6.3.4, Table 1.18); 13 and 14 are reserved. */
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const EXPLICIT_RATE_INDEX = 15;
/** channelConfiguration -> channel count (14496-3 Table 1.19, with the 2009 additions 11, 12, 13, 14). */
const CHANNELS_BY_CONFIGURATION: Record<number, number | undefined> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  6: 6,
  7: 8,
  11: 7,
  12: 8,
  13: 24,
  14: 8,
};

/** Audio object types (14496-3 Table 1.17) this parser names. */
const AOT_ESCAPE = 31;
const AOT_SBR = 5;
const AOT_PS = 29;
const AOT_ER_BSAC = 22;
/** Object types whose config is a GASpecificConfig (14496-3 1.6.2.1): these have 1024/960 frames. */
const GA_OBJECT_TYPES = new Set([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]);
/** Error-resilient object types, which add epConfig after the specific config. */
const ER_OBJECT_TYPES = new Set([17, 19, 20, 21, 22, 23, 24, 25, 26, 27, 39]);
/** syncExtensionType values of the backward-compatible SBR/PS signalling (14496-3 1.6.5.2). */
const SYNC_EXTENSION_SBR = 0x2b7;
const SYNC_EXTENSION_PS = 0x548;

const ERROR = 'aac-config-invalid';

/** GetAudioObjectType(), 14496-3 1.6.2.1: 5 bits, 31 escapes to 32 + 6 more bits. */
function readObjectType(r: BitReader): number {
  const type = r.bits(5);
  return type === AOT_ESCAPE ? 32 + r.bits(6) : type;
}

function readSampleRate(r: BitReader): { index: number; rate: number } {
  const index = r.bits(4);
  if (index === EXPLICIT_RATE_INDEX) {
    const rate = r.bits(24);
    if (rate === 0) throw new MediaFormatError(ERROR, 'explicit sampling frequency 0');
    return { index, rate };
  }
  const rate = SAMPLE_RATES[index];
  if (rate === undefined) throw new MediaFormatError(ERROR, `reserved samplingFrequencyIndex ${index}`);
  return { index, rate };
}

/** program_config_element (14496-3 4.4.1.1) only for its channel count, when channelConfiguration is 0. */
function readProgramConfigChannels(r: BitReader): number {
  r.skip(4 + 2 + 4); // element_instance_tag, object_type, sampling_frequency_index
  const front = r.bits(4);
  const side = r.bits(4);
  const back = r.bits(4);
  const lfe = r.bits(2);
  r.skip(3 + 4); // num_assoc_data_elements, num_valid_cc_elements
  if (r.flag()) r.skip(4); // mono_mixdown
  if (r.flag()) r.skip(4); // stereo_mixdown
  if (r.flag()) r.skip(3); // matrix_mixdown_idx + pseudo_surround_enable
  let channels = lfe;
  for (let i = 0; i < front + side + back; i++) {
    channels += r.flag() ? 2 : 1; // is_cpe: a channel pair counts two
    r.skip(4); // element tag
  }
  return channels;
}

/**
 * `mp4a.40.<aot>` (RFC 6381 3.3): the first object type of the ASC, so implicitly signalled HE-AAC
 * stays `mp4a.40.2`, which every player can decode (ignoring SBR at worst).
 */
export function aacCodecString(objectType: number): string {
  return `mp4a.40.${objectType}`;
}

/**
 * Parses an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): object type (with the 31 escape),
 * sampling frequency (with the explicit 24-bit rate), channels (with a PCE when 0), explicit (AOT 5/29)
 * and backward-compatible (sync extension 0x2b7/0x548) SBR/PS signalling, and frameLengthFlag.
 * An empty or 1-byte ASC is `aac-config-truncated`.
 */
export function parseAacConfig(asc: Buffer): AacConfig {
  if (asc.length < 2) throw new MediaFormatError('aac-config-truncated', `${asc.length} bytes`);
  const r = new BitReader(asc, 'aac-config-truncated');
  const objectType = readObjectType(r);
  const core = readSampleRate(r);
  const channelConfiguration = r.bits(4);

  let coreObjectType = objectType;
  let sbr = false;
  let ps = false;
  let extensionSampleRate: number | undefined;
  if (objectType === AOT_SBR || objectType === AOT_PS) {
    // Explicit hierarchical signalling: the extension rate, then the core object type.
    sbr = true;
    ps = objectType === AOT_PS;
    extensionSampleRate = readSampleRate(r).rate;
    coreObjectType = readObjectType(r);
    if (coreObjectType === AOT_ER_BSAC) r.skip(4); // extensionChannelConfiguration
  }
  if (!GA_OBJECT_TYPES.has(coreObjectType)) {
    throw new MediaFormatError('aac-config-unsupported', `audio object type ${coreObjectType}`);
  }

  // GASpecificConfig (14496-3 4.4.1)
  const samplesPerFrame = r.flag() ? 960 : 1024;
  if (r.flag()) r.skip(14); // dependsOnCoreCoder -> coreCoderDelay
  const extensionFlag = r.flag();
  const channels =
    channelConfiguration === 0 ? readProgramConfigChannels(r) : CHANNELS_BY_CONFIGURATION[channelConfiguration];
  if (channels === undefined)
    throw new MediaFormatError(ERROR, `reserved channelConfiguration ${channelConfiguration}`);
  if (channels === 0) throw new MediaFormatError(ERROR, 'no channels');

  // The optional tail: a truncated tail is common (ffmpeg writes none) and does not change the above.
  try {
    if (coreObjectType === 6 || coreObjectType === 20) r.skip(3); // layerNr
    if (extensionFlag) {
      if (coreObjectType === AOT_ER_BSAC) r.skip(5 + 11);
      if ([17, 19, 20, 23].includes(coreObjectType)) r.skip(3);
      r.skip(1); // extensionFlag3
    }
    if (ER_OBJECT_TYPES.has(coreObjectType)) r.skip(2); // epConfig
    // Backward-compatible signalling (1.6.5.2): only when nothing explicit came first.
    if (!sbr && r.bitsLeft >= 16 && r.bits(11) === SYNC_EXTENSION_SBR) {
      if (readObjectType(r) === AOT_SBR && r.flag()) {
        sbr = true;
        extensionSampleRate = readSampleRate(r).rate;
        if (r.bitsLeft >= 12 && r.bits(11) === SYNC_EXTENSION_PS) ps = r.flag();
      }
    }
  } catch (error) {
    if (!(error instanceof MediaFormatError)) throw error;
  }

  return {
    codec: 'aac',
    asc,
    objectType,
    sampleRate: core.rate,
    channels,
    samplesPerFrame,
    codecString: aacCodecString(objectType),
    samplingFrequencyIndex: core.index,
    channelConfiguration,
    sbr,
    ps,
    extensionSampleRate,
  };
}
