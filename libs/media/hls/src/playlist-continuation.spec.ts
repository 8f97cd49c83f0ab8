import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LivePackager } from './live-packager.js';
import { parseMediaPlaylist, segmentMsn } from './playlist/media-playlist.js';
import { publish, WALL_CLOCK_START } from './testing/harness.js';
import { syntheticConfigs, syntheticPackets } from './testing/rtmp-stream.js';

function start(packager: LivePackager, width: number): void {
  const { video, audio } = syntheticConfigs(width, (width * 9) / 16);
  packager.setTrackConfig('video', video);
  packager.setTrackConfig('audio', audio);
}

/** A stream republished on another node: a second packager continues the first one's playlist. */
describe('playlist continuation', () => {
  it('continues the media sequence, the discontinuity sequence and init names after one discontinuity', () => {
    const first = new LivePackager({ windowSegments: 4 });
    start(first, 1280);
    publish(first, syntheticPackets({ seconds: 6 }), WALL_CLOCK_START);
    // A resolution change on the first node: its playlist already holds one discontinuity.
    start(first, 640);
    publish(first, syntheticPackets({ seconds: 7, offsetMs: 6000 }), WALL_CLOCK_START + 6000);
    first.publisherGone();
    const before = parseMediaPlaylist(first.mediaPlaylist({ lowLatency: true })!);
    const lastBefore = segmentMsn(before, before.segments.length - 1);
    const continuation = first.continuation();
    assert.ok(continuation.nextMsn > lastBefore);
    assert.equal(continuation.nextInitIndex, 2);
    const tagsBefore = before.segments.filter((s) => s.discontinuity).length;
    assert.equal(continuation.discontinuities, (before.discontinuitySequence ?? 0) + tagsBefore);

    // The encoder reconnects to another node, its clock restarting at 0.
    const second = new LivePackager({ windowSegments: 4, continueFrom: continuation });
    start(second, 1280);
    publish(second, syntheticPackets({ seconds: 5 }), WALL_CLOCK_START + 15_000);
    const after = parseMediaPlaylist(second.mediaPlaylist({ lowLatency: true })!);
    assert.equal(after.mediaSequence, continuation.nextMsn, 'the media sequence carries on');
    assert.equal(after.discontinuitySequence, continuation.discontinuities, 'and the discontinuity sequence');
    const [firstAfter] = after.segments;
    assert.equal(firstAfter!.discontinuity, true, 'one discontinuity where the node changed');
    assert.equal(firstAfter!.map?.uri, 'init-2.mp4', 'init names are never reused');
    assert.ok(firstAfter!.programDateTime! >= continuation.wallClockEnd!, 'date-times never go back');
    assert.equal(after.segments.filter((s) => s.discontinuity).length, 1);
  });

  it('continues a playlist that had not finished its first segment yet', () => {
    const first = new LivePackager();
    start(first, 1280);
    publish(first, syntheticPackets({ seconds: 1 }), WALL_CLOCK_START);
    const continuation = first.continuation();
    assert.deepEqual(
      { ...continuation, wallClockEnd: undefined },
      {
        nextMsn: 1,
        discontinuities: 0,
        nextInitIndex: 1,
        wallClockEnd: undefined,
      },
    );
  });
});
