// Republish, config change, timestamp jumps, audio-only and early audio: the stream keeps one playlist,
// decode times never go back per track, and each init's segments decode with ffmpeg.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import HLS from 'hls-parser';
import { parseMp4 } from '@rapidrtmp/fmp4/testing';
import { fragmentFacts, sum } from './testing/fragment-facts.js';
import { createPackager, publish, publishStream, type Recorder, WALL_CLOCK_START } from './testing/harness.js';
import { rtmpStreamFromClip, syntheticConfigs, syntheticPackets } from './testing/rtmp-stream.js';
import type { SegmentRecord } from './types.js';

HLS.setOptions({ strictMode: true });
type MediaPlaylist = InstanceType<typeof HLS.types.MediaPlaylist>;

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hls-lifecycle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function decodes(name: string, bytes: Buffer): void {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const run = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', '-i', path, '-f', 'null', '-'], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr.trim(), '');
}

/** Asserts each track's tfdt never goes back and runs never overlap across all segments. */
function assertMonotonicDecodeTimes(recorder: Recorder): void {
  const last = new Map<number, number>();
  for (const segment of recorder.segments) {
    const init = recorder.inits.find((i) => i.index === segment.initIndex)!.data;
    for (const run of fragmentFacts(init, Buffer.concat(segment.chunks))) {
      const timescale = run.trackId === 1 ? 90000 : 44100;
      const start = run.tfdt / timescale;
      const previousEnd = last.get(run.trackId) ?? 0;
      assert.ok(start >= previousEnd - 1e-9, `${segment.name} track ${run.trackId}: ${start} < ${previousEnd}`);
      last.set(run.trackId, (run.tfdt + sum(run.durations)) / timescale);
    }
  }
}

const concatenated = (init: Buffer, segments: SegmentRecord[]): Buffer =>
  Buffer.concat([init, ...segments.map((s) => Buffer.concat(s.chunks))]);

describe('publisher loss and republish', () => {
  const first = rtmpStreamFromClip(fixture('avc-aac-128x72.mp4'));
  const { packager, recorder } = createPackager();
  const goneAt = publishStream(packager, first);
  packager.publisherGone();
  const afterGone = packager.mediaPlaylist()!;
  // Same encoder settings, timestamps restarting at 0, 5 s later on the wall clock.
  const backAt = goneAt + 5000;
  publishStream(packager, rtmpStreamFromClip(fixture('avc-aac-128x72.mp4')), backAt);
  packager.end();

  it('closes the open segment without ending the playlist', () => {
    const playlist = HLS.parse(afterGone) as MediaPlaylist;
    assert.equal(playlist.endlist, false);
    assert.equal(playlist.segments.filter((s) => s.uri).length, 3);
    assert.ok(!afterGone.includes('PRELOAD-HINT'), 'no hint while a discontinuity is due');
    // hls.js would otherwise predict the next segment without the discontinuity and reject the playlist.
    assert.ok(!afterGone.includes('#EXT-X-PART:'), 'no parts listed while the publisher is away');
  });

  it('continues the same playlist: media sequence goes on, EXT-X-DISCONTINUITY, same init reused', () => {
    const playlist = HLS.parse(packager.mediaPlaylist()!) as MediaPlaylist;
    assert.deepEqual(
      playlist.segments.map((s) => s.uri),
      ['seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s', 'seg-3.m4s', 'seg-4.m4s', 'seg-5.m4s'],
    );
    assert.deepEqual(
      playlist.segments.map((s) => s.discontinuity === true),
      [false, false, false, true, false, false],
    );
    assert.equal(playlist.segments[3]!.map.uri, 'init-0.mp4');
    assert.equal(recorder.inits.length, 1);
    assert.equal(playlist.segments[3]!.programDateTime!.getTime(), backAt);
    assert.ok(recorder.events.some((e) => e.type === 'discontinuity' && e.reason === 'republish'));
  });

  it('keeps tfdt monotonic per track although the publisher restarted its clock at 0', () => {
    assertMonotonicDecodeTimes(recorder);
    const runs = fragmentFacts(recorder.inits[0]!.data, Buffer.concat(recorder.segments[3]!.chunks));
    assert.ok(runs[0]!.tfdt / 90000 >= 6, 'the second session continues after the first');
  });

  it('decodes across the republish', () => {
    decodes('republish.mp4', concatenated(recorder.inits[0]!.data, recorder.segments));
  });
});

describe('encoder reconfiguration (new SPS and resolution)', () => {
  const small = rtmpStreamFromClip(fixture('avc-aac-128x72.mp4'));
  const large = rtmpStreamFromClip(fixture('avc-aac-160x90.mp4'), { offsetMs: 6100 });
  const { packager, recorder } = createPackager();
  const changedAt = publishStream(packager, small);
  packager.setTrackConfig('video', small.video);
  packager.setTrackConfig('audio', small.audio);
  const identicalHeadersChangedNothing = recorder.events.every((e) => e.type !== 'discontinuity');
  publishStream(packager, large, changedAt + 100);
  packager.end();

  it('ignores repeated identical sequence headers', () => {
    assert.equal(identicalHeadersChangedNothing, true);
  });

  it('writes init-1, marks the first new segment discontinuous and maps it to init-1', () => {
    assert.deepEqual(
      recorder.inits.map((i) => i.name),
      ['init-0.mp4', 'init-1.mp4'],
    );
    assert.equal(parseMp4(recorder.inits[1]!.data).info.videoTracks[0]!.video?.width, 160);
    const playlist = HLS.parse(packager.mediaPlaylist()!) as MediaPlaylist;
    const changed = playlist.segments.findIndex((s) => s.discontinuity);
    assert.equal(changed, 3);
    assert.equal(playlist.segments[changed]!.map.uri, 'init-1.mp4');
    assert.equal(playlist.segments[changed - 1]!.map.uri, 'init-0.mp4');
    assert.ok(recorder.events.some((e) => e.type === 'discontinuity' && e.reason === 'config-change'));
    assert.equal(packager.variant()?.resolution?.width, 160);
  });

  it('keeps decode times monotonic and each init + its segments decodes', () => {
    assertMonotonicDecodeTimes(recorder);
    decodes(
      'before.mp4',
      concatenated(
        recorder.inits[0]!.data,
        recorder.segments.filter((s) => s.initIndex === 0),
      ),
    );
    decodes(
      'after.mp4',
      concatenated(
        recorder.inits[1]!.data,
        recorder.segments.filter((s) => s.initIndex === 1),
      ),
    );
  });
});

describe('timestamp jumps within one publish', () => {
  it('turns a jump backwards into a discontinuity with decode times continuing', () => {
    const { packager, recorder } = createPackager();
    const { video, audio } = syntheticConfigs(1280, 720, 44100);
    packager.setTrackConfig('video', video);
    packager.setTrackConfig('audio', audio);
    const t = publish(
      packager,
      syntheticPackets({ seconds: 5, sampleRate: 44100, offsetMs: 60_000 }),
      WALL_CLOCK_START,
    );
    publish(packager, syntheticPackets({ seconds: 5, sampleRate: 44100 }), t + 33);
    assert.ok(recorder.events.some((e) => e.type === 'discontinuity' && e.reason === 'timestamp-jump'));
    assert.equal(recorder.inits.length, 1);
    assertMonotonicDecodeTimes(recorder);
  });

  it('closes the segment when video stops but audio goes on, instead of buffering audio without end', () => {
    const { packager, recorder } = createPackager();
    const { video, audio } = syntheticConfigs(1280, 720, 44100);
    packager.setTrackConfig('video', video);
    packager.setTrackConfig('audio', audio);
    const both = syntheticPackets({ seconds: 4, sampleRate: 44100 });
    const audioOnly = syntheticPackets({ seconds: 16, sampleRate: 44100, video: false }).filter((p) => p.dts > 4000);
    publish(packager, [...both, ...audioOnly], WALL_CLOCK_START);
    assert.ok(recorder.events.some((e) => e.type === 'discontinuity' && e.reason === 'video-stalled'));
    assert.equal(packager.window.open, undefined);
    assert.ok(packager.stats.droppedAudioBeforeStart > 0);
  });
});

describe('stream start', () => {
  it('drops audio and non-key video before the first keyframe', () => {
    const { packager, recorder } = createPackager();
    const { video, audio } = syntheticConfigs(1280, 720, 44100);
    packager.setTrackConfig('video', video);
    packager.setTrackConfig('audio', audio);
    // Keyframes every second from 0.5 s: the first half second has only P-frames.
    const keyframe = (n: number): boolean => n >= 15 && (n - 15) % 30 === 0;
    publish(packager, syntheticPackets({ seconds: 5, sampleRate: 44100, keyframe }), WALL_CLOCK_START);
    packager.end();
    const stats = packager.stats;
    assert.equal(stats.droppedVideoBeforeKeyframe, 15);
    assert.ok(stats.droppedAudioBeforeStart >= 21);
    const runs = fragmentFacts(recorder.inits[0]!.data, Buffer.concat(recorder.segments[0]!.chunks));
    const firstVideo = runs.find((r) => r.trackId === 1)!;
    const firstAudio = runs.find((r) => r.trackId === 2)!;
    assert.equal(firstVideo.flags[0]! & 0x0001_0000, 0, 'first sample is sync');
    assert.ok(firstAudio.tfdt / 44100 >= firstVideo.tfdt / 90000);
  });

  it('goes audio-only when no video config comes, cutting segments on time', () => {
    const { packager, recorder } = createPackager();
    packager.setTrackConfig('audio', syntheticConfigs(1280, 720, 44100).audio);
    publish(packager, syntheticPackets({ seconds: 7, video: false, sampleRate: 44100 }), WALL_CLOCK_START);
    packager.end();
    const { info } = parseMp4(recorder.inits[0]!.data);
    assert.deepEqual(
      info.tracks.map((t) => [t.id, t.codec]),
      [[2, 'mp4a.40.2']],
    );
    assert.deepEqual(
      recorder.segments.map((s) => Math.round(s.duration)),
      [2, 2, 2, 1],
    );
    assert.ok(recorder.parts.every((p) => p.independent && p.duration <= 0.5));
    assert.equal(packager.stats.droppedAudioBeforeStart, 0, 'the held second of audio is kept');
    const frames = sum(
      fragmentFacts(recorder.inits[0]!.data, ...recorder.segments.map((s) => Buffer.concat(s.chunks))).map(
        (r) => r.durations.length,
      ),
    );
    assert.equal(frames, Math.ceil((7 * 44100) / 1024));
    const variant = packager.variant()!;
    assert.deepEqual(variant.codecs, ['mp4a.40.2']);
    assert.equal(variant.resolution, undefined);
  });

  it('ignores media without a sequence header and anything after end()', () => {
    const { packager } = createPackager();
    publish(packager, syntheticPackets({ seconds: 1 }), WALL_CLOCK_START);
    assert.equal(packager.stats.droppedWithoutConfig, syntheticPackets({ seconds: 1 }).length);
    packager.end();
    packager.setTrackConfig('video', syntheticConfigs().video);
    publish(packager, syntheticPackets({ seconds: 1 }), WALL_CLOCK_START + 1000);
    assert.ok(packager.stats.droppedAfterEnd > 0);
    assert.equal(packager.mediaPlaylist(), undefined);
  });
});
