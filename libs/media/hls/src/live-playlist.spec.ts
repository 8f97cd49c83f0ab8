// The rendered playlists, read back with hls-parser in strict mode (it enforces the RFC 8216bis rules it
// knows: part durations vs PART-TARGET, parts only near the live edge, HOLD-BACK, preload hint, ...) and
// with the playlist model's own parser (what an edge will do).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import HLS from 'hls-parser';
import type { LivePackager } from './live-packager.js';
import { LivePlaylistWriter } from './live-playlist.js';
import { parseMediaPlaylist } from './playlist/media-playlist.js';
import { roundedExtinf } from './target-duration.js';
import { createPackager, publish, WALL_CLOCK_START } from './testing/harness.js';
import { syntheticConfigs, syntheticPackets } from './testing/rtmp-stream.js';

HLS.setOptions({ strictMode: true });

type MediaPlaylist = InstanceType<typeof HLS.types.MediaPlaylist>;
type MasterPlaylist = InstanceType<typeof HLS.types.MasterPlaylist>;

function parseMedia(text: string): MediaPlaylist {
  const playlist = HLS.parse(text);
  assert.equal(playlist.isMasterPlaylist, false);
  return playlist;
}

function live(options: Parameters<typeof createPackager>[0] = {}): ReturnType<typeof createPackager> {
  const created = createPackager(options);
  const { video, audio } = syntheticConfigs();
  created.packager.setTrackConfig('video', video);
  created.packager.setTrackConfig('audio', audio);
  return created;
}

/** Renders and strictly parses the playlist after every part, checking invariants each time. */
function publishChecked(
  packager: LivePackager,
  packets: ReturnType<typeof syntheticPackets>,
  check: (p: MediaPlaylist, text: string) => void,
): void {
  const first = packets[0]!.dts;
  for (const packet of packets) {
    const partsBefore = packager.window.open?.parts.length;
    packager.push(packet, WALL_CLOCK_START + packet.dts - first);
    if (packager.window.ready && packager.window.open?.parts.length !== partsBefore) {
      const text = packager.mediaPlaylist()!;
      check(parseMedia(text), text);
    }
  }
}

describe('media playlist (LL-HLS)', () => {
  it('stays valid at every update of a 30 s stream with a 10-segment window', () => {
    const { packager, recorder } = live();
    let checks = 0;
    publishChecked(packager, syntheticPackets({ seconds: 30 }), (playlist, text) => {
      checks++;
      assert.equal(playlist.version, 9);
      assert.equal(playlist.targetDuration, 2);
      assert.equal(playlist.partTargetDuration, 0.5);
      const control = playlist.lowLatencyCompatibility!;
      assert.deepEqual([control.canBlockReload, control.holdBack, control.partHoldBack], [true, 6, 1.5]);
      assert.equal(playlist.independentSegments, true);
      const complete = playlist.segments.filter((s) => s.uri);
      assert.ok(complete.length <= 10);
      assert.equal(playlist.mediaSequenceBase, Number(/seg-(\d+)/.exec(complete[0]!.uri)![1]));
      complete.forEach((s, i) => {
        assert.equal(s.uri, `seg-${playlist.mediaSequenceBase! + i}.m4s`);
        assert.ok(roundedExtinf(s.duration) <= playlist.targetDuration);
        assert.equal(s.map.uri, 'init-0.mp4');
        assert.ok(s.programDateTime instanceof Date);
      });
      // Parts only for the newest three entries (the open segment counts), a hint for the next part.
      const withParts = playlist.segments.map((s) => s.parts.length > 0);
      assert.ok(withParts.slice(0, -3).every((has) => !has));
      const hint = playlist.segments.at(-1)!.parts.at(-1)!;
      assert.equal(hint.hint, true);
      const open = packager.window.open!;
      assert.equal(hint.uri, `part-${open.msn}.${open.parts.length}.m4s`);
      assert.equal((text.match(/#EXT-X-PRELOAD-HINT/g) ?? []).length, 1);
    });
    assert.ok(checks > 50);
    assert.equal(recorder.evicted.length, recorder.segments.length - 10);
    assert.equal(packager.window.mediaSequence, recorder.evicted.length);
  });

  it('lists parts with INDEPENDENT=YES where a keyframe starts them and PDTs that follow the media clock', () => {
    const { packager } = live();
    publish(packager, syntheticPackets({ seconds: 9, keyframe: (n) => n % 30 === 0 }), WALL_CLOCK_START);
    const playlist = parseMedia(packager.mediaPlaylist()!);
    const complete = playlist.segments.filter((s) => s.uri);
    for (let i = 1; i < complete.length; i++) {
      const previous = complete[i - 1];
      assert.equal(
        complete[i]!.programDateTime!.getTime(),
        previous!.programDateTime!.getTime() + Math.round(previous!.duration * 1000),
      );
    }
    assert.equal(complete[0]!.programDateTime!.getTime(), WALL_CLOCK_START);
    const parts = complete.at(-1)!.parts;
    assert.deepEqual(
      parts.map((p) => p.independent === true),
      [true, false, true, false],
    );
  });

  it('ends with EXT-X-ENDLIST and no preload hint', () => {
    const { packager } = live();
    publish(packager, syntheticPackets({ seconds: 7 }), WALL_CLOCK_START);
    packager.end();
    const text = packager.mediaPlaylist()!;
    const playlist = parseMedia(text);
    assert.equal(playlist.endlist, true);
    assert.ok(!text.includes('PRELOAD-HINT'));
    assert.deepEqual(
      playlist.segments.map((s) => s.uri),
      ['seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s', 'seg-3.m4s'],
    );
    assert.ok(Math.abs(playlist.segments.reduce((t, s) => t + s.duration, 0) - 7) < 0.04);
  });

  it('says PART-HOLD-BACK in part targets as configured, never under the two the RFC requires', () => {
    const { packager } = live({ partHoldBackParts: 2 });
    publish(packager, syntheticPackets({ seconds: 5 }), WALL_CLOCK_START);
    assert.equal(parseMedia(packager.mediaPlaylist()!).lowLatencyCompatibility!.partHoldBack, 1);
    assert.throws(() => live({ partHoldBackParts: 1.5 }), /at least 2/);
  });

  it('renders plain HLS without the low-latency tags', () => {
    const { packager } = live();
    publish(packager, syntheticPackets({ seconds: 7 }), WALL_CLOCK_START);
    const text = packager.mediaPlaylist({ lowLatency: false })!;
    for (const tag of ['EXT-X-PART', 'EXT-X-PART-INF', 'EXT-X-SERVER-CONTROL', 'EXT-X-PRELOAD-HINT'])
      assert.ok(!text.includes(`#${tag}:`), tag);
    const playlist = parseMedia(text);
    assert.equal(playlist.version, 6);
    assert.deepEqual(
      playlist.segments.map((s) => s.uri),
      ['seg-0.m4s', 'seg-1.m4s', 'seg-2.m4s'],
    );
  });

  it('is not published before the first segment completes (the target duration is not known yet)', () => {
    const { packager } = live();
    publish(packager, syntheticPackets({ seconds: 1.9 }), WALL_CLOCK_START);
    assert.equal(packager.window.ready, false);
    assert.equal(packager.mediaPlaylist(), undefined);
    assert.equal(packager.multivariantPlaylist(), undefined);
  });
});

describe('live playlist writer', () => {
  it('writes what the model holds: the text parses back to the same model at every update', () => {
    const { packager } = live({ windowSegments: 4 });
    const writer = new LivePlaylistWriter(packager.window);
    let checks = 0;
    const check = () => {
      for (const options of [{}, { lowLatency: false }, { partSegments: 1 }, { skip: true }]) {
        const text = writer.render(options);
        assert.equal(text, packager.mediaPlaylist(options));
        assert.deepEqual(parseMediaPlaylist(text), JSON.parse(JSON.stringify(writer.model(options))));
        checks++;
      }
    };
    const packets = syntheticPackets({ seconds: 12 });
    publish(packager, packets, WALL_CLOCK_START, () => packager.window.ready && check());
    packager.publisherGone();
    check();
    const { video, audio } = syntheticConfigs(1920, 1080);
    packager.setTrackConfig('video', video);
    packager.setTrackConfig('audio', audio);
    publish(packager, syntheticPackets({ seconds: 5, offsetMs: 13_000 }), WALL_CLOCK_START + 13_000, check);
    packager.end();
    check();
    assert.ok(checks > 1000);
    assert.match(writer.render(), /#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init-1.mp4"/);
  });

  it('shares frozen segment models between renders and keeps its caches to the window', () => {
    const { packager } = live({ windowSegments: 5 });
    const writer = new LivePlaylistWriter(packager.window);
    let most = 0;
    publish(packager, syntheticPackets({ seconds: 60 }), WALL_CLOCK_START, () => {
      if (!packager.window.ready) return;
      writer.render();
      writer.render({ lowLatency: false });
      most = Math.max(most, writer.cachedTexts);
    });
    const [a, b] = [writer.model(), writer.model()];
    assert.notEqual(a, b);
    assert.equal(a.segments[1], b.segments[1], 'the same segment object');
    assert.ok(Object.isFrozen(a.segments[1]) && Object.isFrozen(a.segments.at(-1)!.parts));
    assert.throws(() => {
      (a.segments[1] as { uri: string }).uri = 'x';
    }, TypeError);
    // 5 segments in up to three forms, the open segment and the header: not the 30 segments seen.
    assert.ok(most <= 5 * 3 + 4, `${most} texts cached`);
  });
});

describe('playlist delta updates (_HLS_skip)', () => {
  it('advertise CAN-SKIP-UNTIL of six target durations and skip only segments wholly before it', () => {
    const { packager } = live();
    let deltas = 0;
    publish(packager, syntheticPackets({ seconds: 40 }), WALL_CLOCK_START, () => {
      if (!packager.window.ready) return;
      const full = parseMedia(packager.mediaPlaylist()!);
      const deltaText = packager.mediaPlaylist({ skip: true })!;
      const delta = parseMedia(deltaText);
      assert.equal(full.lowLatencyCompatibility!.canSkipUntil, 12);
      assert.equal(delta.mediaSequenceBase, full.mediaSequenceBase);
      assert.equal(delta.discontinuitySequenceBase, full.discontinuitySequenceBase);
      const fullSegments = full.segments.filter((s) => s.uri);
      const skipped = delta.skip;
      // What the client merges: the skipped ones from its copy, then exactly the full playlist's tail.
      assert.deepEqual(
        delta.segments.map((s) => [s.uri, s.mediaSequenceNumber]),
        full.segments.slice(skipped).map((s) => [s.uri, s.mediaSequenceNumber]),
      );
      const listed = fullSegments.slice(skipped).reduce((sum, s) => sum + s.duration, 0);
      if (skipped > 0) {
        deltas++;
        assert.ok(listed >= 12, `the listed segments cover the skip boundary (${listed} s)`);
        assert.ok(listed - fullSegments[skipped]!.duration < 12, 'nothing older than needed is listed');
        assert.match(deltaText, /#EXT-X-SKIP:SKIPPED-SEGMENTS=\d+\n#EXT-X-MAP:URI="init-0.mp4"\n/);
      } else {
        assert.doesNotMatch(deltaText, /EXT-X-SKIP/);
      }
    });
    // 10 segments of 2 s: 20 s listed in full, 12-14 s in a delta.
    assert.ok(deltas > 100, `${deltas} delta updates checked`);
    const delta = parseMedia(packager.mediaPlaylist({ skip: true })!);
    assert.ok(delta.skip >= 3 && delta.skip <= 4, `${delta.skip} skipped`);
  });

  it('never skips past a discontinuity, and plain playlists ignore the request', () => {
    const { packager } = live();
    publish(packager, syntheticPackets({ seconds: 4 }), WALL_CLOCK_START);
    packager.setTrackConfig('video', syntheticConfigs(1920, 1080).video);
    publish(packager, syntheticPackets({ seconds: 17, offsetMs: 4000 }), WALL_CLOCK_START + 4000);
    const full = parseMedia(packager.mediaPlaylist()!);
    const changed = full.segments.findIndex((s) => s.discontinuity);
    assert.ok(changed > 0 && full.segments.length - changed > 6, 'the discontinuity is old enough to be skipped');
    const delta = parseMedia(packager.mediaPlaylist({ skip: true })!);
    assert.equal(delta.skip, changed, 'skips up to the discontinuity, not over it');
    assert.equal(delta.segments[0]!.discontinuity, true);
    assert.doesNotMatch(packager.mediaPlaylist({ lowLatency: false, skip: true })!, /EXT-X-SKIP|CAN-SKIP-UNTIL/);
  });
});

describe('target duration policy', () => {
  it('covers a keyframe interval longer than the segment target from the first segment on', () => {
    const { packager, recorder } = live();
    publish(packager, syntheticPackets({ seconds: 15, keyframe: (n) => n % 90 === 0 }), WALL_CLOCK_START);
    packager.end();
    const playlist = parseMedia(packager.mediaPlaylist()!);
    assert.equal(playlist.targetDuration, 3);
    // The last frame's duration is estimated from the one before (34 ms of rounded RTMP time).
    assert.deepEqual(
      playlist.segments.map((s) => s.duration),
      [3, 3, 3, 3, 3.001],
    );
    assert.ok(!recorder.events.some((e) => e.type === 'target-duration-raised'));
  });

  it('keeps 2 for 29.97 fps with 60-frame GOPs (EXTINF 2.002 rounds to 2)', () => {
    const { packager } = live();
    publish(
      packager,
      syntheticPackets({ seconds: 9, fps: 30000 / 1001, keyframe: (n) => n % 60 === 0 }),
      WALL_CLOCK_START,
    );
    const playlist = parseMedia(packager.mediaPlaylist()!);
    assert.equal(playlist.targetDuration, 2);
    for (const s of playlist.segments.filter((x) => x.uri)) assert.ok(Math.abs(s.duration - 2.002) < 0.002);
  });

  it('raises the target (and says so) rather than list a segment that rounds above it', () => {
    const { packager, recorder } = live();
    // Keyframes at 0, 2, 4, then none until 9: a 5 s GOP after the target was fixed at 2.
    const keyframe = (n: number): boolean => [0, 60, 120, 270, 330, 390].includes(n);
    publish(packager, syntheticPackets({ seconds: 14, keyframe }), WALL_CLOCK_START);
    const raised = recorder.events.filter((e) => e.type === 'target-duration-raised');
    assert.equal(raised.length, 1);
    assert.deepEqual(
      raised.map((e) => e.type === 'target-duration-raised' && [e.previous, e.targetDuration]),
      [[2, 5]],
    );
    const playlist = parseMedia(packager.mediaPlaylist()!);
    assert.equal(playlist.targetDuration, 5);
    for (const s of playlist.segments.filter((x) => x.uri))
      assert.ok(roundedExtinf(s.duration) <= playlist.targetDuration);
  });
});

describe('discontinuities in the playlist', () => {
  it('marks a config change with DISCONTINUITY + a new MAP and counts it in DISCONTINUITY-SEQUENCE once evicted', () => {
    const { packager, recorder } = live({ windowSegments: 3 });
    const packets = syntheticPackets({ seconds: 6 });
    publish(packager, packets, WALL_CLOCK_START);
    packager.setTrackConfig('video', syntheticConfigs(1280, 720).video);
    assert.equal(recorder.inits.length, 1, 'an identical sequence header changes nothing');
    packager.setTrackConfig('video', syntheticConfigs(1920, 1080).video);
    publish(packager, syntheticPackets({ seconds: 5, offsetMs: 6000 }), WALL_CLOCK_START + 6000);
    let playlist = parseMedia(packager.mediaPlaylist()!);
    assert.equal(recorder.inits.length, 2);
    const changed = playlist.segments.find((s) => s.discontinuity)!;
    assert.equal(changed.map.uri, 'init-1.mp4');
    assert.equal(changed.discontinuitySequence, 1);
    assert.equal(playlist.discontinuitySequenceBase, 0);
    publish(packager, syntheticPackets({ seconds: 8, offsetMs: 11000 }), WALL_CLOCK_START + 11000);
    playlist = parseMedia(packager.mediaPlaylist()!);
    assert.ok(playlist.segments.every((s) => !s.discontinuity));
    assert.equal(playlist.discontinuitySequenceBase, 1, 'the evicted EXT-X-DISCONTINUITY is counted');
    assert.ok(recorder.events.some((e) => e.type === 'init-evicted' && e.init.index === 0));
  });
});

describe('multivariant playlist', () => {
  it('announces codecs, resolution, frame rate and measured bandwidths', () => {
    const { packager } = live();
    publish(packager, syntheticPackets({ seconds: 7 }), WALL_CLOCK_START);
    const playlist = HLS.parse(packager.multivariantPlaylist()!) as MasterPlaylist;
    assert.equal(playlist.isMasterPlaylist, true);
    assert.equal(playlist.independentSegments, true);
    const [variant] = playlist.variants;
    assert.ok(variant);
    assert.equal(variant.uri, 'media.m3u8');
    assert.equal(variant.codecs, 'avc1.64001f,mp4a.40.2');
    assert.deepEqual(variant.resolution, { width: 1280, height: 720 });
    assert.ok(Math.abs(variant.frameRate! - 30) < 0.02);
    const bandwidth = packager.window.bandwidth()!;
    assert.equal(variant.bandwidth, bandwidth.peak);
    assert.equal(variant.averageBandwidth, bandwidth.average);
    assert.ok(bandwidth.peak >= bandwidth.average && bandwidth.average > 0);
  });
});
