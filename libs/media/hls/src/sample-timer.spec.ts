import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MediaPacket, OpusConfig } from '@rapidrtmp/media-core';
import { opusPacketSamples } from './opus-packet.js';
import { AudioSampleTimer, type TimedSample, VideoSampleTimer } from './sample-timer.js';
import { syntheticConfigs } from './testing/rtmp-stream.js';

const video = (dts: number, pts = dts, keyframe = false): MediaPacket => ({
  track: 'video',
  codec: 'avc',
  dts,
  pts,
  keyframe,
  payload: Buffer.alloc(10),
});
const audio = (dts: number, payload = Buffer.alloc(8)): MediaPacket => ({
  track: 'audio',
  codec: 'aac',
  dts,
  pts: dts,
  keyframe: true,
  payload,
});

function run(timer: VideoSampleTimer | AudioSampleTimer, packets: MediaPacket[]): TimedSample[] {
  const out: TimedSample[] = [];
  for (const p of packets) {
    const s = timer.push(p);
    if (s) out.push(s);
  }
  const last = timer.flush();
  if (last) out.push(last);
  return out;
}

describe('VideoSampleTimer', () => {
  it('holds one sample back and takes its duration from the next dts, on a 90 kHz clock', () => {
    const timer = new VideoSampleTimer(30);
    timer.start(0, 1000);
    assert.equal(timer.push(video(1000, 1000, true)), undefined);
    const first = timer.push(video(1033));
    assert.deepEqual(
      { dts: first?.dts, duration: first?.duration, keyframe: first?.keyframe },
      { dts: 0, duration: 2970, keyframe: true },
    );
    const samples = run(timer, [video(1067), video(1100)]);
    assert.deepEqual(
      samples.map((s) => [s.dts, s.duration]),
      [
        [2970, 3060],
        [6030, 2970],
        [9000, 2970],
      ],
    );
  });

  it('turns pts - dts into signed composition offsets', () => {
    const timer = new VideoSampleTimer();
    timer.start(0, 0);
    const samples = run(timer, [video(0, 67, true), video(33, 167), video(67, 100), video(100, 33)]);
    assert.deepEqual(
      samples.map((s) => s.compositionOffset),
      [6030, 12060, 2970, -6030],
    );
  });

  it('moves a non-increasing dts forward by one tick and keeps its pts in the composition offset', () => {
    const timer = new VideoSampleTimer();
    timer.start(0, 0);
    const samples = run(timer, [video(0, 0, true), video(40, 40), video(40, 80), video(120, 120)]);
    assert.deepEqual(
      samples.map((s) => s.dts),
      [0, 3600, 3601, 10800],
    );
    assert.equal(samples[2]!.dts + samples[2]!.compositionOffset, 80 * 90);
    assert.equal(timer.adjusted, 1);
    assert.ok(samples.every((s) => s.duration > 0));
  });

  it('starts a new epoch at the given base, never before where the previous one ended', () => {
    const timer = new VideoSampleTimer(25);
    timer.start(0, 0);
    run(timer, [video(0, 0, true), video(40)]);
    assert.equal(timer.end, 7200);
    timer.start(7200, 0);
    const samples = run(timer, [video(0, 0, true), video(40)]);
    assert.deepEqual(
      samples.map((s) => s.dts),
      [7200, 10800],
    );
    assert.equal(samples[1]!.duration, 3600, 'flush uses the last measured duration');
  });
});

describe('AudioSampleTimer', () => {
  const { audio: aac } = syntheticConfigs(1280, 720, 44100);

  it('counts 1024 samples per AAC frame whatever the millisecond rounding', () => {
    const timer = new AudioSampleTimer(aac);
    timer.start(0, 0);
    const packets = Array.from({ length: 100 }, (_, n) => audio(Math.round((n * 1024 * 1000) / 44100)));
    const samples = run(timer, packets);
    assert.equal(timer.timescale, 44100);
    samples.forEach((s, n) => {
      assert.equal(s.dts, n * 1024);
      assert.equal(s.duration, 1024);
    });
  });

  it('re-anchors to the RTMP clock across a real gap, the sample before it covering the gap', () => {
    const timer = new AudioSampleTimer(aac);
    timer.start(0, 0);
    const samples = run(timer, [audio(0), audio(23), audio(46), audio(46 + 500), audio(46 + 523)]);
    assert.deepEqual(
      samples.map((s) => s.dts),
      [0, 1024, 2048, Math.round(0.546 * 44100), Math.round(0.546 * 44100) + 1024],
    );
    assert.equal(samples[2]!.duration, samples[3]!.dts - samples[2]!.dts);
    assert.equal(timer.reanchored, 1);
  });

  it('tolerates jitter up to two frames without moving, and drops a frame that overlaps', () => {
    const timer = new AudioSampleTimer(aac);
    timer.start(0, 0);
    const samples = run(timer, [audio(0), audio(60), audio(46), audio(69), audio(0)]);
    assert.deepEqual(
      samples.map((s) => s.dts),
      [0, 1024, 2048, 3072],
    );
    assert.equal(timer.dropped, 1);
  });

  it('times Opus packets from their TOC byte', () => {
    const opus: OpusConfig = {
      codec: 'opus',
      channels: 2,
      preSkip: 312,
      inputSampleRate: 48000,
      outputGain: 0,
      channelMappingFamily: 0,
      sampleRate: 48000,
      codecString: 'opus',
    };
    const timer = new AudioSampleTimer(opus);
    timer.start(0, 0);
    const celt20 = Buffer.from([(31 << 3) | 0]);
    const celt10x3 = Buffer.from([(30 << 3) | 3, 3]);
    const samples = run(timer, [audio(0, celt20), audio(20, celt10x3), audio(50, celt20)]);
    assert.deepEqual(
      samples.map((s) => [s.dts, s.duration]),
      [
        [0, 960],
        [960, 1440],
        [2400, 960],
      ],
    );
  });
});

describe('opusPacketSamples', () => {
  it('reads frame size and count from the TOC (RFC 6716 3.1)', () => {
    assert.equal(opusPacketSamples(Buffer.from([(0 << 3) | 0])), 480); // SILK 10 ms
    assert.equal(opusPacketSamples(Buffer.from([(3 << 3) | 0])), 2880); // SILK 60 ms
    assert.equal(opusPacketSamples(Buffer.from([(13 << 3) | 1])), 1920); // Hybrid 20 ms x2
    assert.equal(opusPacketSamples(Buffer.from([(16 << 3) | 2])), 240); // CELT 2.5 ms x2
    assert.equal(opusPacketSamples(Buffer.from([(19 << 3) | 3, 0x85])), 4800); // CELT 20 ms x5
    assert.equal(opusPacketSamples(Buffer.alloc(0)), 960);
  });
});
