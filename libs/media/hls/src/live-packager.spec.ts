// LivePackager over a real H.264 High (B-frames) + AAC clip delivered as RTMP would deliver it,
// checked with mp4box.js and decoded with ffmpeg.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseMp4 } from '@rapidrtmp/fmp4/testing';
import { fragmentFacts, sum } from './testing/fragment-facts.js';
import { createPackager, publishStream, WALL_CLOCK_START } from './testing/harness.js';
import { rtmpStreamFromClip } from './testing/rtmp-stream.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hls-packager-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const VIDEO = 1;
const AUDIO = 2;
const AAC_FRAME = 1024 / 44100;

/** ffmpeg decodes the file without a word; returns the video and audio frame counts ffprobe reads. */
function decode(name: string, bytes: Buffer): { video: number; audio: number } {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const run = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr.trim(), '', 'ffmpeg reports no decode errors');
  const count = (stream: string): number =>
    Number(
      execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-select_streams',
          stream,
          '-count_packets',
          '-show_entries',
          'stream=nb_read_packets',
          '-of',
          'csv=p=0',
          path,
        ],
        {
          encoding: 'utf8',
        },
      ).trim(),
    );
  return { video: count('v:0'), audio: count('a:0') };
}

describe('LivePackager with a real H.264 + AAC stream', () => {
  const stream = rtmpStreamFromClip(fixture('avc-aac-128x72.mp4'));
  const { packager, recorder } = createPackager();
  publishStream(packager, stream);
  packager.end();
  const init = recorder.inits[0]!.data;
  const videoPackets = stream.packets.filter((p) => p.track === 'video');
  const audioPackets = stream.packets.filter((p) => p.track === 'audio');

  it('cuts 2 s segments at keyframes, each the concatenation of its parts', () => {
    assert.equal(recorder.inits.length, 1);
    assert.deepEqual(
      recorder.segments.map((s) => s.name),
      ['seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s'],
    );
    for (const segment of recorder.segments) {
      assert.ok(Math.abs(segment.duration - 2) < 0.035, `EXTINF ${segment.duration}`);
      assert.deepEqual(
        segment.chunks,
        segment.parts.flatMap((p) => p.chunks),
      );
      assert.equal(segment.byteLength, Buffer.concat(segment.chunks).length);
      assert.equal(segment.parts[0]!.independent, true);
    }
    assert.equal(recorder.parts.length, sum(recorder.segments.map((s) => s.parts.length)));
  });

  it('starts every segment with a sync video sample and marks parts starting with one independent', () => {
    const runs = fragmentFacts(init, ...recorder.parts.map((p) => Buffer.concat(p.chunks)));
    const videoRuns = runs.filter((r) => r.trackId === VIDEO);
    assert.equal(videoRuns.length, recorder.parts.length);
    recorder.parts.forEach((part, i) => {
      const sync = (videoRuns[i]!.flags[0]! & 0x0001_0000) === 0;
      assert.equal(part.independent, sync, part.name);
      if (part.index === 0) assert.ok(sync, `${part.name} opens a segment on a keyframe`);
    });
    const keyframeTimes = videoPackets.filter((p) => p.keyframe).map((p) => p.dts);
    assert.deepEqual(keyframeTimes.slice(0, 6), [0, 1000, 2000, 3000, 4000, 5000]);
  });

  it('keeps tfdt continuous per track across parts and segments (next = previous + durations)', () => {
    const runs = fragmentFacts(init, ...recorder.segments.map((s) => Buffer.concat(s.chunks)));
    for (const trackId of [VIDEO, AUDIO]) {
      const trackRuns = runs.filter((r) => r.trackId === trackId);
      assert.equal(trackRuns[0]!.tfdt, 0);
      for (let i = 1; i < trackRuns.length; i++) {
        assert.equal(
          trackRuns[i]!.tfdt,
          trackRuns[i - 1]!.tfdt + sum(trackRuns[i - 1]!.durations),
          `track ${trackId} run ${i}`,
        );
      }
      for (const run of trackRuns) {
        assert.equal(run.tfdtVersion, 1);
        assert.equal(run.trunVersion, 1);
        assert.ok(
          run.dataStart >= run.mdatStart && run.dataStart + sum(run.sizes) <= run.mdatEnd,
          'run inside its mdat',
        );
      }
    }
  });

  it('sums sample durations to EXTINF: exactly for video, within one frame for audio', () => {
    for (const segment of recorder.segments) {
      const runs = fragmentFacts(init, Buffer.concat(segment.chunks));
      const video = sum(runs.filter((r) => r.trackId === VIDEO).flatMap((r) => r.durations)) / 90000;
      const audio = sum(runs.filter((r) => r.trackId === AUDIO).flatMap((r) => r.durations)) / 44100;
      assert.ok(Math.abs(video - segment.duration) < 1e-9, `video ${video} vs ${segment.duration}`);
      assert.ok(Math.abs(audio - segment.duration) <= AAC_FRAME + 1e-9, `audio ${audio} vs ${segment.duration}`);
    }
  });

  it('keeps parts within PART-TARGET and above 85% of it unless independent or last (RFC 8216bis 4.4.4.9)', () => {
    for (const segment of recorder.segments) {
      segment.parts.forEach((part, i) => {
        assert.ok(part.duration <= 0.5 + 1e-9, `${part.name} ${part.duration}`);
        if (!part.independent && i < segment.parts.length - 1)
          assert.ok(part.duration >= 0.85 * 0.5, `${part.name} ${part.duration}`);
      });
    }
  });

  it('carries every payload byte for byte, with B-frame composition offsets from the RTMP times', () => {
    const whole = Buffer.concat([init, ...recorder.segments.map((s) => Buffer.concat(s.chunks))]);
    const parsed = parseMp4(whole);
    const video = parsed.file.getTrackSamplesInfo(VIDEO);
    assert.equal(video.length, videoPackets.length);
    video.forEach((s, i) => {
      const packet = videoPackets[i];
      assert.equal(s.dts, packet!.dts * 90);
      assert.equal(s.cts, packet!.pts * 90);
      assert.equal(s.is_sync, packet!.keyframe);
      assert.ok(whole.subarray(s.offset, s.offset + s.size).equals(packet!.payload));
    });
    const audio = parsed.file.getTrackSamplesInfo(AUDIO);
    assert.equal(audio.length, audioPackets.length);
    audio.forEach((s, i) => {
      assert.equal(s.dts, i * 1024, 'audio decode times count samples, not rounded milliseconds');
      assert.ok(Math.abs(s.dts / 44100 - audioPackets[i]!.dts / 1000) <= 0.001);
      assert.ok(whole.subarray(s.offset, s.offset + s.size).equals(audioPackets[i]!.payload));
    });
  });

  it('decodes init + segments with ffmpeg without errors, every frame present', () => {
    const counts = decode(
      'stream.mp4',
      Buffer.concat([init, ...recorder.segments.map((s) => Buffer.concat(s.chunks))]),
    );
    assert.deepEqual(counts, { video: videoPackets.length, audio: audioPackets.length });
  });

  it('decodes init + one part on its own when the part is independent', () => {
    const part = recorder.parts.find((p) => p.independent && p.index > 0)!;
    const counts = decode('part.mp4', Buffer.concat([init, ...part.chunks]));
    assert.ok(counts.video > 10);
  });

  it('stamps program date times from the wall clock of the first sample plus media time', () => {
    const pdts = recorder.segments.map((s) => s.programDateTime - WALL_CLOCK_START);
    assert.deepEqual(pdts, [0, 2000, 4000]);
  });

  it('reports nothing dropped or corrected for a clean stream', () => {
    const stats = packager.stats;
    assert.equal(stats.droppedAudioBeforeStart + stats.droppedVideoBeforeKeyframe + stats.adjustedVideoTimestamps, 0);
    assert.equal(stats.audioReanchors + stats.droppedOverlappingAudio + stats.discontinuities, 0);
  });
});

describe('LivePackager with negative composition times', () => {
  it('writes signed trun offsets and still decodes', () => {
    const source = fixture('avc-aac-128x72.mp4');
    // 1024 ticks at 15360 Hz: the two-frame B-frame delay, so the first frame shows at its decode time.
    const stream = rtmpStreamFromClip(source, { videoCtsShift: 1024 });
    const video = stream.packets.filter((p) => p.track === 'video');
    assert.ok(video.some((p) => p.pts < p.dts));
    const { packager, recorder } = createPackager();
    publishStream(packager, stream);
    packager.end();
    const init = recorder.inits[0]!.data;
    const offsets = fragmentFacts(init, ...recorder.segments.map((s) => Buffer.concat(s.chunks)))
      .filter((r) => r.trackId === VIDEO)
      // A run whose offsets are all zero leaves the field out of trun.
      .flatMap((r) => (r.compositionOffsets.length > 0 ? r.compositionOffsets : r.durations.map(() => 0)));
    assert.ok(offsets.some((o) => o < 0) && offsets.some((o) => o > 0));
    assert.deepEqual(
      offsets,
      video.map((p) => (p.pts - p.dts) * 90),
    );
    const counts = decode(
      'negative.mp4',
      Buffer.concat([init, ...recorder.segments.map((s) => Buffer.concat(s.chunks))]),
    );
    assert.equal(counts.video, video.length);
  });
});
