import { av1TemporalUnits, exAudioTag, exVideoTag, hevcAccessUnits } from '@rapidrtmp/flv/testing';
import {
  AUDIO_PACKET_TYPE,
  FLV_TAG_TYPE,
  FlvDemuxer,
  FlvStreamReader,
  parseAudioTag,
  parseVideoTag,
  readFlvFile,
  VIDEO_PACKET_TYPE,
} from '@rapidrtmp/flv';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { corpusSeeds, mediaFixture } from '../fuzz-corpus.js';
import type { FuzzTarget } from '../fuzz-target.js';

const FLV_FILES = ['h264-high-bframes-aac.flv', 'h264-baseline-aac48k.flv', 'aac-only.flv'];

/** Real tag bodies: legacy AVC/AAC from the FLV fixtures, E-RTMP HEVC/AV1/Opus built around real bytes. */
function tagSeeds(): Buffer[] {
  const legacy = FLV_FILES.flatMap((name) => readFlvFile(mediaFixture('flv', name)).tags.slice(0, 24))
    .filter((tag) => tag.type !== FLV_TAG_TYPE.script)
    .map((tag) => tag.body);
  const [hevcFirst, hevcSecond] = hevcAccessUnits(mediaFixture('flv', 'hevc-8frames.hevc'));
  const av1Key = av1TemporalUnits(mediaFixture('flv', 'av1-8frames.obu'))[0]!;
  const { sequenceStart, codedFrames, codedFramesX } = VIDEO_PACKET_TYPE;
  const hvcC = mediaFixture('flv', 'hevc-hvcC.bin');
  const opusHead = mediaFixture('codecs', 'opus-stereo-head.bin');
  return [
    ...legacy,
    exVideoTag({ frameType: 1, packetType: sequenceStart, fourCc: 'hvc1', data: hvcC }),
    exVideoTag({ frameType: 1, packetType: codedFrames, fourCc: 'hvc1', cts: 40, data: hevcFirst! }),
    exVideoTag({ frameType: 2, packetType: codedFramesX, fourCc: 'hvc1', data: hevcSecond! }),
    exVideoTag({ frameType: 1, packetType: sequenceStart, fourCc: 'av01', data: mediaFixture('flv', 'av1-av1C.bin') }),
    exVideoTag({ frameType: 1, packetType: codedFrames, fourCc: 'av01', data: av1Key.subarray(0, 600) }),
    exVideoTag({
      frameType: 1,
      packetType: sequenceStart,
      fourCc: 'vp09',
      data: mediaFixture('codecs', 'vp9-vpcC.bin'),
    }),
    exAudioTag(AUDIO_PACKET_TYPE.sequenceStart, 'Opus', opusHead),
    exAudioTag(AUDIO_PACKET_TYPE.codedFrames, 'Opus', Buffer.from([0xfc, 0xff, 0xfe])),
    exAudioTag(AUDIO_PACKET_TYPE.sequenceStart, 'mp4a', Buffer.from('1210', 'hex')),
    ...corpusSeeds('flv-tags'),
  ];
}

const isVideo = (body: Buffer) => (body[0]! & 0x80) !== 0 || [7, 12, 13].includes(body[0]! & 0x0f);

export const flvTagsTarget: FuzzTarget = {
  name: 'flv-tags',
  description:
    'FLV/E-RTMP audio and video tag parsers and a fresh FlvDemuxer given 0-2 clean tags then the mutated one',
  maxInputBytes: 8192,
  seeds: () => cachedSeeds(),
  expected: (error) => error instanceof MediaFormatError,
  run(input, random) {
    try {
      (isVideo(input) ? parseVideoTag : parseAudioTag)(input);
    } catch (error) {
      if (!(error instanceof MediaFormatError)) throw error;
    }
    // A malformed tag may throw MediaFormatError from the demuxer too, whatever came before it.
    const demuxer = new FlvDemuxer();
    const seeds = cachedSeeds();
    let timestamp = random.int(0, 0xffffffff);
    for (let clean = random.int(0, 2); clean > 0; clean--) push(demuxer, random.pick(seeds), (timestamp += 20));
    push(demuxer, input, timestamp + random.int(-40, 40));
  },
};

let seedCache: Buffer[] | undefined;
const cachedSeeds = () => (seedCache ??= tagSeeds());

function push(demuxer: FlvDemuxer, body: Buffer, timestamp: number): void {
  if (isVideo(body)) demuxer.pushVideo(timestamp, body);
  else demuxer.pushAudio(timestamp, body);
}

export const flvFileTarget: FuzzTarget = {
  name: 'flv-file',
  description: 'FLV file reader (header, tag headers, PreviousTagSize) on mutated fixture files',
  maxInputBytes: 16_384,
  seeds: () => [...FLV_FILES.map((name) => mediaFixture('flv', name).subarray(0, 12_000)), ...corpusSeeds('flv-file')],
  expected: (error) => error instanceof MediaFormatError,
  run: (input) => void readFlvFile(input),
};

export const flvStreamTarget: FuzzTarget = {
  name: 'flv-stream',
  description: 'incremental FLV reader (HTTP-FLV from another node) on mutated files cut into random reads',
  maxInputBytes: 16_384,
  seeds: () => [
    ...FLV_FILES.map((name) => mediaFixture('flv', name).subarray(0, 12_000)),
    ...corpusSeeds('flv-stream'),
  ],
  expected: (error) => error instanceof MediaFormatError,
  run(input, random) {
    const maxTagBytes = 4096;
    const reader = new FlvStreamReader(maxTagBytes);
    for (let at = 0; at < input.length;) {
      const size = random.int(1, 2048);
      reader.push(input.subarray(at, at + size));
      at += size;
      // Never more held than one tag and its framing, whatever the input claims.
      if (reader.bufferedBytes > maxTagBytes + 2048 + 15) throw new Error(`${reader.bufferedBytes} bytes held`);
    }
  },
};
