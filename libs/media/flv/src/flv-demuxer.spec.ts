import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MediaFormatError, type AacConfig, type AvcConfig, type MediaPacket } from '@rapidrtmp/media-core';
import { splitNalUnits } from '@rapidrtmp/codecs';
import { AUDIO_PACKET_TYPE, VIDEO_PACKET_TYPE } from './enhanced-rtmp.js';
import { FlvDemuxer, type FlvDemuxEvent } from './flv-demuxer.js';
import { readFlvFile, type FlvFileTag } from './flv-file-reader.js';
import { av1TemporalUnits, exAudioTag, exVideoTag, hevcAccessUnits, legacyVideoTag } from './testing/tag-builders.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const code = (expected: string) => (e: unknown) => e instanceof MediaFormatError && e.code === expected;

function push(demuxer: FlvDemuxer, tag: FlvFileTag): FlvDemuxEvent | undefined {
  if (tag.type === 9) return demuxer.pushVideo(tag.timestamp, tag.body);
  if (tag.type === 8) return demuxer.pushAudio(tag.timestamp, tag.body);
  return undefined;
}

function demux(name: string): {
  demuxer: FlvDemuxer;
  events: FlvDemuxEvent[];
  video: MediaPacket[];
  audio: MediaPacket[];
} {
  const demuxer = new FlvDemuxer();
  const events = readFlvFile(fixture(name)).tags.flatMap((tag) => push(demuxer, tag) ?? []);
  const packets = events.flatMap((e) => (e.type === 'packet' ? [e.packet] : []));
  return {
    demuxer,
    events,
    video: packets.filter((p) => p.track === 'video'),
    audio: packets.filter((p) => p.track === 'audio'),
  };
}

const keyframeIndexes = (packets: MediaPacket[]): number[] => packets.flatMap((p, i) => (p.keyframe ? [i] : []));

describe('FlvDemuxer on ffmpeg FLV fixtures', () => {
  it('h264-high-bframes-aac.flv: configs, ffprobe packet counts, keyframes every 30 frames, B-frame timing', () => {
    const { demuxer, events, video, audio } = demux('h264-high-bframes-aac.flv');
    const configs = events.filter((e) => e.type === 'config');
    assert.deepEqual(
      configs.map((e) => [e.track, e.changed]),
      [
        ['video', false],
        ['audio', false],
      ],
    );
    const avc = demuxer.videoConfig as AvcConfig;
    assert.deepEqual(
      [
        avc.codec,
        avc.width,
        avc.height,
        avc.profileIdc,
        avc.levelIdc,
        avc.nalLengthSize,
        avc.frameRate,
        avc.codecString,
      ],
      ['avc', 320, 240, 100, 13, 4, 30, 'avc1.64000d'],
    );
    const aac = demuxer.audioConfig as AacConfig;
    assert.deepEqual(
      [aac.sampleRate, aac.channels, aac.objectType, aac.samplesPerFrame, aac.codecString],
      [44100, 2, 2, 1024, 'mp4a.40.2'],
    );

    // ffprobe -show_packets: 90 video (3 keyframes), 131 audio
    assert.equal(video.length, 90);
    assert.equal(audio.length, 131);
    assert.deepEqual(keyframeIndexes(video), [0, 30, 60]);
    assert.ok(video.every((p) => p.codec === 'avc' && p.payload.readUInt32BE(0) + 4 <= p.payload.length));
    for (let i = 1; i < video.length; i++) assert.ok(video[i]!.dts > video[i - 1]!.dts, `DTS monotonic at ${i}`);
    assert.ok(video.every((p) => p.pts >= p.dts));
    // ffprobe: the first packet is pts 67 / dts 0, 74 packets have pts > dts, and the PTS sum is 139530
    assert.deepEqual([video[0]!.dts, video[0]!.pts], [0, 67]);
    assert.equal(video.filter((p) => p.pts > p.dts).length, 74);
    assert.equal(
      video.reduce((sum, p) => sum + p.pts, 0),
      139530,
    );
    assert.deepEqual([audio[0]!.dts, audio[1]!.dts], [44, 67]);
    assert.ok(audio.every((p) => p.keyframe && p.pts === p.dts));
    assert.deepEqual(
      events.filter((e) => e.type === 'end'),
      [{ type: 'end', track: 'video' }],
    );
    assert.equal(demuxer.counters.keyframeMismatches, 0);
    assert.deepEqual([demuxer.counters.videoPackets, demuxer.counters.audioPackets], [90, 131]);
    assert.ok(Object.values(demuxer.counters.dropped).every((n) => n === 0));
  });

  it('h264-baseline-aac48k.flv: 640x360 Baseline, no reordering, 48 kHz audio', () => {
    const { demuxer, video, audio } = demux('h264-baseline-aac48k.flv');
    const avc = demuxer.videoConfig as AvcConfig;
    assert.deepEqual(
      [avc.width, avc.height, avc.profileIdc, avc.codecString, avc.frameRate],
      [640, 360, 66, 'avc1.42c01e', 25],
    );
    assert.equal((demuxer.audioConfig as AacConfig).sampleRate, 48000);
    assert.deepEqual([video.length, audio.length], [50, 95]);
    assert.deepEqual(keyframeIndexes(video), [0, 25]);
    assert.ok(video.every((p) => p.pts === p.dts));
    // ffmpeg shifts video by the AAC priming delay: video starts at 21 ms, audio at 0
    assert.deepEqual([video[0]!.dts, audio[0]!.dts], [21, 0]);
  });

  it('aac-only.flv: 45 AAC frames at 44.1 kHz mono, no video config', () => {
    const { demuxer, video, audio } = demux('aac-only.flv');
    assert.equal(demuxer.videoConfig, undefined);
    assert.deepEqual([(demuxer.audioConfig as AacConfig).channels, video.length, audio.length], [1, 0, 45]);
  });
});

describe('FlvDemuxer sequence headers', () => {
  const high = readFlvFile(fixture('h264-high-bframes-aac.flv')).tags;
  const baseline = readFlvFile(fixture('h264-baseline-aac48k.flv')).tags;
  const videoHeader = (tags: FlvFileTag[]): Buffer => tags.find((t) => t.type === 9)!.body;
  const audioHeader = (tags: FlvFileTag[]): Buffer => tags.find((t) => t.type === 8)!.body;

  it('ignores an identical repeated header and reports a different one as changed', () => {
    const demuxer = new FlvDemuxer();
    const first = demuxer.pushVideo(0, videoHeader(high));
    assert.ok(first?.type === 'config' && first.track === 'video');
    assert.deepEqual([first.changed, first.config.width], [false, 320]);
    assert.equal(demuxer.pushVideo(1000, Buffer.from(videoHeader(high))), undefined);
    assert.equal(demuxer.counters.repeatedConfigs, 1);
    const changed = demuxer.pushVideo(2000, videoHeader(baseline));
    assert.ok(changed?.type === 'config' && changed.track === 'video');
    assert.deepEqual([changed.changed, changed.config.width, changed.config.height], [true, 640, 360]);
    assert.equal(demuxer.pushAudio(0, audioHeader(high))?.type, 'config');
    assert.equal(demuxer.pushAudio(10, audioHeader(high)), undefined);
    const audioChanged = demuxer.pushAudio(20, audioHeader(baseline));
    assert.ok(audioChanged?.type === 'config' && audioChanged.changed && audioChanged.config.codec === 'aac');
    assert.equal(audioChanged.config.sampleRate, 48000);
    assert.deepEqual(
      [demuxer.counters.videoConfigs, demuxer.counters.audioConfigs, demuxer.counters.repeatedConfigs],
      [2, 2, 2],
    );
  });

  it('copies config records: the caller may reuse the message buffer', () => {
    const demuxer = new FlvDemuxer();
    const body = Buffer.from(videoHeader(high));
    demuxer.pushVideo(0, body);
    body.fill(0);
    assert.equal((demuxer.videoConfig as AvcConfig).record[0], 1);
    assert.equal((demuxer.videoConfig as AvcConfig).sps[0]![0]! & 0x1f, 7);
  });

  it('drops and counts frames before the config, the empty AF 00, and keeps going after a bad tag', () => {
    const demuxer = new FlvDemuxer();
    const frames = high.filter((t) => t.type === 9).slice(1, 3);
    assert.equal(demuxer.pushVideo(0, frames[0]!.body), undefined);
    assert.equal(demuxer.pushAudio(0, Buffer.from([0xaf, 0x01, 0x21, 0x10])), undefined);
    assert.equal(demuxer.pushAudio(0, Buffer.from([0xaf, 0x00])), undefined);
    assert.deepEqual(
      [
        demuxer.counters.dropped.videoBeforeConfig,
        demuxer.counters.dropped.audioBeforeConfig,
        demuxer.counters.dropped.emptyAudioConfig,
      ],
      [1, 1, 1],
    );
    assert.throws(() => demuxer.pushAudio(0, Buffer.from([0xaf, 0x00, 0x12])), code('aac-config-truncated'));
    assert.equal(demuxer.pushAudio(0, audioHeader(high))?.type, 'config');
    assert.equal(demuxer.pushVideo(0, videoHeader(high))?.type, 'config');
    assert.throws(
      () => demuxer.pushVideo(33, Buffer.from([0x27, 0x01, 0, 0, 0, 0, 0, 0, 9, 1])),
      code('flv-video-nal-framing'),
    );
    assert.equal(demuxer.pushVideo(33, frames[1]!.body)?.type, 'packet');
  });
});

describe('FlvDemuxer video frames', () => {
  const tags = readFlvFile(fixture('h264-high-bframes-aac.flv')).tags.filter((t) => t.type === 9);
  const primed = (): FlvDemuxer => {
    const demuxer = new FlvDemuxer();
    demuxer.pushVideo(0, tags[0]!.body);
    return demuxer;
  };
  const avcc = (tag: FlvFileTag): Buffer => tag.body.subarray(5);

  it('keeps negative composition times (PTS < DTS)', () => {
    const event = primed().pushVideo(
      100,
      legacyVideoTag({ key: false, packetType: 1, cts: -40, data: avcc(tags[2]!) }),
    );
    assert.ok(event?.type === 'packet');
    assert.deepEqual([event.packet.dts, event.packet.pts], [100, 60]);
  });

  it('trusts the IDR NAL check over the FLV frame type, and counts the disagreement', () => {
    const demuxer = primed();
    const notIdr = demuxer.pushVideo(0, legacyVideoTag({ key: true, packetType: 1, data: avcc(tags[2]!) }));
    const idr = demuxer.pushVideo(33, legacyVideoTag({ key: false, packetType: 1, data: avcc(tags[1]!) }));
    assert.ok(notIdr?.type === 'packet' && idr?.type === 'packet');
    assert.deepEqual(
      [notIdr.packet.keyframe, idr.packet.keyframe, demuxer.counters.keyframeMismatches],
      [false, true, 2],
    );
  });

  it('converts an Annex-B payload to length-prefixed NAL units, once, and counts it', () => {
    const units = splitNalUnits(avcc(tags[1]!), 4);
    const annexB = Buffer.concat(units.flatMap((nal) => [Buffer.from([0, 0, 0, 1]), nal]));
    const demuxer = primed();
    const event = demuxer.pushVideo(0, legacyVideoTag({ key: true, packetType: 1, cts: 67, data: annexB }));
    assert.ok(event?.type === 'packet');
    assert.deepEqual(event.packet.payload, avcc(tags[1]!));
    assert.deepEqual([event.packet.keyframe, demuxer.counters.annexBConverted], [true, 1]);
  });

  it('drops empty frames and unsupported codecs, and ends on an AVC end of sequence', () => {
    const demuxer = primed();
    assert.equal(demuxer.pushVideo(0, Buffer.from([0x27, 0x01, 0, 0, 0])), undefined);
    assert.equal(demuxer.pushVideo(0, Buffer.from([0x22, 0x00, 0x01])), undefined);
    assert.equal(demuxer.pushVideo(0, Buffer.from([0x57, 0x00])), undefined);
    const { emptyFrame, unsupportedVideoCodec, videoCommand } = demuxer.counters.dropped;
    assert.deepEqual([emptyFrame, unsupportedVideoCodec, videoCommand], [1, 1, 1]);
    assert.deepEqual(demuxer.pushVideo(0, tags[tags.length - 1]!.body), { type: 'end', track: 'video' });
  });

  it('takes timestamps as given: the transport has already extended them past the 32-bit wrap', () => {
    const demuxer = primed();
    const before = demuxer.pushVideo(0xffffffe0, tags[1]!.body);
    const after = demuxer.pushVideo(2 ** 32 + 0x10, tags[2]!.body);
    assert.ok(before?.type === 'packet' && after?.type === 'packet');
    assert.deepEqual([before.packet.dts, after.packet.dts], [0xffffffe0, 2 ** 32 + 0x10]);
  });
});

describe('FlvDemuxer Enhanced RTMP', () => {
  const P = VIDEO_PACKET_TYPE;

  it('HEVC: SequenceStart with x265 hvcC, CodedFrames with CTS and CodedFramesX, IDR/CRA keyframes', () => {
    const demuxer = new FlvDemuxer();
    const config = demuxer.pushVideo(
      0,
      exVideoTag({ frameType: 1, packetType: P.sequenceStart, fourCc: 'hvc1', data: fixture('hevc-hvcC.bin') }),
    );
    assert.ok(config?.type === 'config' && config.config.codec === 'hevc');
    assert.deepEqual(
      [config.config.width, config.config.height, config.config.codecString],
      [320, 240, 'hvc1.1.6.L60.90'],
    );
    const units = hevcAccessUnits(fixture('hevc-8frames.hevc'));
    assert.equal(units.length, 8);
    const packets = units.map((data, i) => {
      const frameType = i % 4 === 0 ? 1 : 2;
      const body =
        i % 2 === 0
          ? exVideoTag({ frameType, packetType: P.codedFramesX, fourCc: 'hvc1', data })
          : exVideoTag({ frameType, packetType: P.codedFrames, fourCc: 'hvc1', cts: 33, data });
      const event = demuxer.pushVideo(i * 33, body);
      assert.ok(event?.type === 'packet');
      return event.packet;
    });
    assert.deepEqual(keyframeIndexes(packets), [0, 4]);
    assert.deepEqual(
      packets.slice(0, 2).map((p) => p.pts - p.dts),
      [0, 33],
    );
    assert.ok(packets.every((p, i) => p.codec === 'hevc' && p.payload.equals(units[i]!)));
    assert.equal(demuxer.counters.keyframeMismatches, 0);
    assert.deepEqual(
      demuxer.pushVideo(
        300,
        exVideoTag({ frameType: 1, packetType: P.sequenceEnd, fourCc: 'hvc1', data: Buffer.alloc(0) }),
      ),
      { type: 'end', track: 'video' },
    );
  });

  it('AV1: SequenceStart with libaom av1C, temporal units as CodedFrames, keyframes from the frame type', () => {
    const demuxer = new FlvDemuxer();
    const config = demuxer.pushVideo(
      0,
      exVideoTag({ frameType: 1, packetType: P.sequenceStart, fourCc: 'av01', data: fixture('av1-av1C.bin') }),
    );
    assert.ok(config?.type === 'config' && config.config.codec === 'av1');
    assert.deepEqual(
      [config.config.width, config.config.height, config.config.codecString],
      [320, 240, 'av01.0.00M.08'],
    );
    const units = av1TemporalUnits(fixture('av1-8frames.obu'));
    assert.equal(units.length, 8);
    const packets = units.map((data, i) => {
      const packetType = i === 3 ? P.codedFramesX : P.codedFrames; // both mean "no CTS" for AV1
      const event = demuxer.pushVideo(
        i * 33,
        exVideoTag({ frameType: i % 4 === 0 ? 1 : 2, packetType, fourCc: 'av01', data }),
      );
      assert.ok(event?.type === 'packet');
      return event.packet;
    });
    assert.deepEqual(keyframeIndexes(packets), [0, 4]);
    assert.ok(packets.every((p, i) => p.pts === p.dts && p.payload.equals(units[i]!)));
  });

  it('drops HEVC frames while only an AVC config is known (codec switch without a new header)', () => {
    const demuxer = new FlvDemuxer();
    demuxer.pushVideo(0, readFlvFile(fixture('h264-baseline-aac48k.flv')).tags.find((t) => t.type === 9)!.body);
    const frame = hevcAccessUnits(fixture('hevc-8frames.hevc'))[0]!;
    assert.equal(
      demuxer.pushVideo(0, exVideoTag({ frameType: 1, packetType: P.codedFramesX, fourCc: 'hvc1', data: frame })),
      undefined,
    );
    assert.equal(demuxer.counters.dropped.videoBeforeConfig, 1);
  });

  it('Opus: OpusHead config, OpusTags ignored, frames, SequenceEnd', () => {
    const A = AUDIO_PACKET_TYPE;
    const head = Buffer.concat([
      Buffer.from('OpusHead', 'latin1'),
      Buffer.from([1, 2, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0]),
    ]);
    const demuxer = new FlvDemuxer();
    const config = demuxer.pushAudio(0, exAudioTag(A.sequenceStart, 'Opus', head));
    assert.ok(config?.type === 'config' && config.config.codec === 'opus');
    assert.deepEqual([config.config.channels, config.config.preSkip, config.config.sampleRate], [2, 312, 48000]);
    assert.equal(
      demuxer.pushAudio(0, exAudioTag(A.sequenceStart, 'Opus', Buffer.from('OpusTags\0\0\0\0', 'latin1'))),
      undefined,
    );
    assert.equal(demuxer.pushAudio(5, exAudioTag(A.sequenceStart, 'Opus', head)), undefined);
    const frame = demuxer.pushAudio(20, exAudioTag(A.codedFrames, 'Opus', Buffer.from([0xfc, 0xff, 0xfe])));
    assert.ok(frame?.type === 'packet');
    assert.deepEqual(
      [frame.packet.codec, frame.packet.dts, frame.packet.keyframe, frame.packet.payload.length],
      ['opus', 20, true, 3],
    );
    assert.deepEqual(demuxer.pushAudio(40, exAudioTag(A.sequenceEnd, 'Opus', Buffer.alloc(0))), {
      type: 'end',
      track: 'audio',
    });
    assert.deepEqual([demuxer.counters.dropped.opusTags, demuxer.counters.repeatedConfigs], [1, 1]);
  });

  it('AAC over E-RTMP (mp4a): explicit HE-AAC ASC, then raw frames', () => {
    const A = AUDIO_PACKET_TYPE;
    const demuxer = new FlvDemuxer();
    // AOT 5, 24 kHz core, stereo, 48 kHz extension, core AOT 2
    const config = demuxer.pushAudio(0, exAudioTag(A.sequenceStart, 'mp4a', Buffer.from('2b118800', 'hex')));
    assert.ok(config?.type === 'config' && config.config.codec === 'aac');
    assert.deepEqual(
      [
        config.config.objectType,
        config.config.sampleRate,
        config.config.extensionSampleRate,
        config.config.codecString,
      ],
      [5, 24000, 48000, 'mp4a.40.5'],
    );
    assert.equal(demuxer.pushAudio(42, exAudioTag(A.codedFrames, 'mp4a', Buffer.from([0x21, 0x10])))?.type, 'packet');
  });
});
