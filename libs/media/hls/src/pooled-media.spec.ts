// The packager over payloads carved from recycled media slabs, released as the RTMP session releases
// them: the bytes of every part and segment stay what they were when the part was cut for as long as
// the window holds them, while the slabs under released segments are handed out again (or, in checked
// mode, poisoned).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  MediaArena,
  type MediaPacket,
  configureMediaBuffers,
  mediaBufferPool,
  releaseMedia,
} from '@rapidrtmp/media-core';
import { createPackager } from './testing/harness.js';
import { rtmpStreamFromClip } from './testing/rtmp-stream.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
/** Parts kept in memory once stored (HLS_MEMORY_SECONDS / part target). */
const KEEP_PARTS = 3;

/** Publishes the clip `loops` times over, each payload copied into an arena of small slabs. */
function publishPooled(loops: number): { copies: Map<string, Buffer>; held: () => void } {
  const stream = rtmpStreamFromClip(fixture('avc-aac-128x72.mp4'));
  const { packager, recorder } = createPackager({ segmentSeconds: 1, partSeconds: 0.25, windowSegments: 4 });
  packager.setTrackConfig('video', stream.video);
  packager.setTrackConfig('audio', stream.audio);
  // Small slabs, so a short clip goes through many of them.
  const arena = new MediaArena(4096, 1024);
  const copies = new Map<string, Buffer>();
  const last = stream.packets[stream.packets.length - 1]!.dts + 40;
  const checkHeld = (): void => {
    for (const segment of packager.window.segments) {
      if ((segment.releasedParts ?? 0) === 0) {
        assert.deepEqual(Buffer.concat(segment.chunks), copies.get(segment.name), `${segment.name} intact`);
      }
    }
    // A partly released segment's newest parts, and the open segment's, are still served from memory: they
    // must be intact too.
    const open = packager.window.open;
    for (const holder of open ? [...packager.window.segments, open] : packager.window.segments) {
      for (const part of holder.parts.slice(holder.releasedParts ?? 0)) {
        assert.deepEqual(Buffer.concat(part.chunks), copies.get(part.name), `${part.name} intact`);
        partsChecked++;
      }
    }
  };
  let released = 0;
  let partsChecked = 0;
  for (let loop = 0; loop < loops; loop++) {
    for (const packet of stream.packets) {
      const payload = arena.allocate(packet.payload.length);
      packet.payload.copy(payload);
      const pooled: MediaPacket = { ...packet, dts: packet.dts + loop * last, pts: packet.pts + loop * last, payload };
      packager.push(pooled, pooled.dts);
      releaseMedia(payload); // the session's own reference, as after a message is handled
      const cut = recorder.parts.length + recorder.segments.length > 0;
      for (const part of recorder.parts.splice(0)) {
        copies.set(part.name, Buffer.concat(part.chunks));
        packager.window.markStored(part.msn, part.index); // as the spill stores each part as it is cut
      }
      for (const segment of recorder.segments.splice(0)) {
        // A segment is served from memory only while none of its parts left (else from storage).
        if (!segment.releasedParts) copies.set(segment.name, Buffer.concat(segment.chunks));
      }
      // As HlsStream does on every part: memory keeps the newest KEEP_PARTS parts.
      if (cut) {
        released += packager.window.releaseStoredParts(KEEP_PARTS);
        const open = packager.window.open;
        let inMemory = open ? open.parts.length - (open.releasedParts ?? 0) : 0;
        for (const segment of packager.window.segments) inMemory += segment.parts.length - (segment.releasedParts ?? 0);
        assert.ok(inMemory <= KEEP_PARTS, `${inMemory} parts in memory`);
        checkHeld();
      }
    }
  }
  packager.end();
  arena.dispose();
  // The end closed the open segment: its bytes as cut are the reference too.
  for (const part of recorder.parts.splice(0)) copies.set(part.name, Buffer.concat(part.chunks));
  for (const segment of recorder.segments.splice(0))
    if (!segment.releasedParts) copies.set(segment.name, Buffer.concat(segment.chunks));
  assert.ok(released > 10, `segments left memory (${released})`);
  const partly = packager.window.segments.filter(
    (s) => (s.releasedParts ?? 0) > 0 && !packager.window.fullyReleased(s.msn),
  );
  assert.ok(partsChecked > 100, `held parts checked: ${partsChecked}`);
  assert.ok(partly.length <= 1, 'at most one complete segment is partly released');
  return { copies, held: checkHeld };
}

describe('LivePackager over recycled media slabs', () => {
  it('keeps every held part and segment intact while the slabs of released ones are reused', () => {
    configureMediaBuffers({ recycle: true, check: false, maxFreeBytes: 64 * 1024 * 1024 });
    const reused = mediaBufferPool.stats.reused;
    const { held } = publishPooled(6);
    held();
    assert.ok(mediaBufferPool.stats.reused - reused > 50, `slabs reused: ${mediaBufferPool.stats.reused - reused}`);
    assert.equal(mediaBufferPool.stats.overReleased, 0);
  });

  it('in checked mode, never reads a poisoned (released) slab from a held part', () => {
    configureMediaBuffers({ recycle: true, check: true });
    try {
      publishPooled(3).held();
    } finally {
      configureMediaBuffers({ recycle: true, check: false });
    }
  });
});
