import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPackager, publish } from './testing/harness.js';
import { syntheticConfigs, syntheticPackets } from './testing/rtmp-stream.js';

describe('segment cuts', () => {
  it('keep a 2 s target when every keyframe after the first arrives a frame early (GStreamer clamps its first B-frame timestamps)', () => {
    const { video, audio } = syntheticConfigs();
    // The first keyframe at 0, then keyframes every 60 frames, all shifted one frame (33 ms) earlier.
    const packets = syntheticPackets({ seconds: 12, keyframe: (n) => n === 0 || (n + 1) % 60 === 0 });
    const { packager, recorder } = createPackager({ segmentSeconds: 2 });
    packager.setTrackConfig('video', video);
    packager.setTrackConfig('audio', audio);
    publish(packager, packets, 1_700_000_000_000);
    packager.end();
    const durations = recorder.segments.map((s) => s.duration);
    assert.ok(durations.length >= 5, `segments: ${durations.join(', ')}`);
    for (const duration of durations.slice(0, -1)) assert.ok(duration < 2.05, `segment of ${duration} s`);
    assert.match(packager.mediaPlaylist()!, /#EXT-X-TARGETDURATION:2\n/);
  });
});
