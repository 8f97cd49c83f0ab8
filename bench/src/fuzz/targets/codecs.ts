import {
  containsAvcIdr,
  containsHevcIrap,
  parseAacConfig,
  parseAv1Config,
  parseAvcConfig,
  parseH264Sps,
  parseHevcConfig,
  parseHevcSps,
  parseOpusConfig,
  parseVp9Config,
  readObus,
  readVp9KeyframeSize,
  splitNalUnits,
} from '@rapidrtmp/codecs';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { corpusSeeds, mediaFixture } from '../fuzz-corpus.js';
import type { FuzzTarget } from '../fuzz-target.js';

const fixtures = (...names: string[]) => names.map((name) => mediaFixture('codecs', name));

/** One codec configuration parser: the fixtures' real records (and corpus files) in, MediaFormatError out. */
function configTarget(
  name: string,
  what: string,
  seeds: () => Buffer[],
  parse: (input: Buffer) => unknown,
): FuzzTarget {
  return {
    name,
    description: what,
    maxInputBytes: 2048,
    seeds: () => [...seeds(), ...corpusSeeds(name)],
    expected: (error) => error instanceof MediaFormatError,
    run: (input) => void parse(input),
  };
}

export const codecTargets: FuzzTarget[] = [
  configTarget(
    'avc-config',
    'AVCDecoderConfigurationRecord (avcC) with the SPS inside it',
    () => [
      ...fixtures('h264-1080p-avcC.bin', 'h264-422p10-interlaced-cqm-avcC.bin'),
      mediaFixture('flv', 'hevc-hvcC.bin'),
    ],
    parseAvcConfig,
  ),
  configTarget(
    'hevc-config',
    'HEVCDecoderConfigurationRecord (hvcC) with its VPS/SPS/PPS arrays',
    () => [...fixtures('hevc-318x238-hvcC.bin', 'hevc-main10-720p-hvcC.bin'), mediaFixture('flv', 'hevc-hvcC.bin')],
    parseHevcConfig,
  ),
  configTarget(
    'av1-config',
    'AV1CodecConfigurationRecord (av1C) with its sequence header OBU',
    () => [...fixtures('av1-10bit-640x360-av1C.bin'), mediaFixture('flv', 'av1-av1C.bin')],
    parseAv1Config,
  ),
  configTarget(
    'aac-config',
    'AudioSpecificConfig (AAC-LC, HE-AAC, explicit frequency, escape object types)',
    () => ['1210', '1190', '121056e500', '2b118800', '1390', 'f8cb8c400000'].map((hex) => Buffer.from(hex, 'hex')),
    parseAacConfig,
  ),
  configTarget(
    'opus-config',
    'OpusHead (RFC 7845 5.1), mapping families 0 and 1',
    () => fixtures('opus-stereo-head.bin', 'opus-51-head.bin'),
    parseOpusConfig,
  ),
  configTarget('vp9-config', 'VP9 vpcC record', () => fixtures('vp9-vpcC.bin'), parseVp9Config),
  configTarget(
    'bitstream',
    'what the configs carry, parsed alone: H.264/HEVC SPS, AV1 OBUs, VP9 key frame headers, length-prefixed NAL units',
    () => [
      ...fixtures('h264-1080p-avcC.bin', 'hevc-main10-720p-hvcC.bin').map((record) => record.subarray(8)),
      mediaFixture('flv', 'av1-8frames.obu').subarray(0, 1500),
      mediaFixture('flv', 'hevc-8frames.hevc').subarray(0, 1500),
    ],
    (input) => {
      for (const parse of [parseH264Sps, parseHevcSps, readObus, readVp9KeyframeSize]) {
        try {
          parse(input);
        } catch (error) {
          if (!(error instanceof MediaFormatError)) throw error;
        }
      }
      return [containsAvcIdr(input, 4), containsHevcIrap(input, 2), splitNalUnits(input, 1)];
    },
  ),
];
