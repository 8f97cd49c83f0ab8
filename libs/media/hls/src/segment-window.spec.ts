import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advancePartLimit, parseBlockingRequest } from './delivery-directives.js';
import type { PartChunks } from './part-chunks.js';
import { parseResourceName } from './resource-names.js';
import { SegmentWindow } from './segment-window.js';
import type { PackagerEvent } from './types.js';

/** A part of these bytes, as the segmenter hands them over. */
const partOf = (bytes: Buffer): PartChunks => ({ chunks: [bytes], byteLength: bytes.length });

/** A window with `segments` complete 2 s segments of four 0.5 s parts, then `openParts` parts of the next. */
function windowWith(
  segments: number,
  openParts: number,
  windowSegments = 10,
): { window: SegmentWindow; events: PackagerEvent[] } {
  const events: PackagerEvent[] = [];
  const window = new SegmentWindow({
    segmentSeconds: 2,
    partSeconds: 0.5,
    windowSegments,
    listener: (e) => events.push(e),
  });
  window.addInit(0, Buffer.from('init'), []);
  for (let s = 0; s <= segments; s++) {
    window.openSegment(0, false, s * 2000);
    const parts = s < segments ? 4 : openParts;
    for (let p = 0; p < parts; p++) window.addPart(partOf(Buffer.from(`s${s}p${p}`)), 0.5, p % 2 === 0);
    if (s < segments) window.completeSegment(2);
  }
  return { window, events };
}

describe('SegmentWindow lookups', () => {
  it('serves inits, segments and parts by name; a complete segment is its parts in order', () => {
    const { window } = windowWith(3, 2);
    const text = (name: string) => {
      const chunks = window.resolve(name);
      return chunks && Buffer.concat(chunks).toString();
    };
    assert.equal(text('init-0.mp4'), 'init');
    assert.equal(text('seg-1.m4s'), 's1p0s1p1s1p2s1p3');
    assert.equal(text('part-1.2.m4s'), 's1p2');
    assert.equal(text('part-3.1.m4s'), 's3p1', 'parts of the open segment');
    assert.equal(window.resolve('seg-3.m4s'), undefined, 'the open segment is not a segment yet');
    assert.equal(window.resolve('part-3.2.m4s'), undefined);
    assert.equal(window.resolve('../etc/passwd'), undefined);
    const segment = window.getSegment(1)!;
    assert.equal(segment[2], window.getPart(1, 2)?.[0], 'a complete segment is its parts’ buffers, not a copy');
  });

  it('parses only the names it produces', () => {
    assert.deepEqual(parseResourceName('part-12.3.m4s'), { kind: 'part', msn: 12, index: 3 });
    assert.deepEqual(parseResourceName('seg-7.m4s'), { kind: 'segment', msn: 7 });
    assert.deepEqual(parseResourceName('init-2.mp4'), { kind: 'init', index: 2 });
    for (const bad of ['seg-.m4s', 'seg-1.mp4', 'part-1.m4s', 'init-1.m4s', 'seg-1.m4s?x', 'xseg-1.m4s'])
      assert.equal(parseResourceName(bad), undefined, bad);
  });

  it('says which part requests to hold: only the hinted next part', () => {
    const { window } = windowWith(3, 2);
    assert.deepEqual(window.preloadHint(), { msn: 3, index: 2 });
    assert.equal(window.partAvailability(3, 1), 'available');
    assert.equal(window.partAvailability(3, 2), 'pending');
    assert.equal(window.partAvailability(3, 3), 'not-found');
    assert.equal(window.partAvailability(4, 0), 'not-found');
    window.addPart(partOf(Buffer.from('x')), 0.5, false);
    window.addPart(partOf(Buffer.from('y')), 0.5, false);
    window.completeSegment(2);
    assert.equal(window.partAvailability(3, 4), 'not-found', 'a hinted part the segmentation skipped is gone');
    assert.deepEqual(window.preloadHint(), { msn: 4, index: 0 });
    window.end();
    assert.equal(window.preloadHint(), undefined);
    assert.equal(window.partAvailability(4, 0), 'not-found');
  });
});

describe('SegmentWindow blocking reload (RFC 8216bis 6.2.5.2)', () => {
  it('answers at once for segments and parts that exist', () => {
    const { window } = windowWith(3, 2);
    assert.equal(window.evaluateBlockingRequest({ msn: 2 }), 'ready');
    assert.equal(
      window.evaluateBlockingRequest({ msn: 0 }),
      'ready',
      'old segments too: the whole playlist is returned',
    );
    assert.equal(window.evaluateBlockingRequest({ msn: 3, part: 1 }), 'ready');
    assert.equal(window.evaluateBlockingRequest({ msn: 1, part: 9 }), 'ready', 'a later part exists');
  });

  it('holds requests for the next parts and segments', () => {
    const { window } = windowWith(3, 2);
    assert.equal(window.evaluateBlockingRequest({ msn: 3 }), 'wait', '_HLS_msn alone waits for the complete segment');
    assert.equal(window.evaluateBlockingRequest({ msn: 3, part: 2 }), 'wait');
    assert.equal(window.evaluateBlockingRequest({ msn: 4, part: 0 }), 'wait');
    assert.equal(window.evaluateBlockingRequest({ msn: 4 }), 'wait');
  });

  it('treats a part index past a finished segment as part 0 of the next one', () => {
    const { window } = windowWith(3, 0);
    assert.equal(window.evaluateBlockingRequest({ msn: 2, part: 4 }), 'wait');
    window.openSegment(0, false, 6000);
    window.addPart(partOf(Buffer.from('z')), 0.5, true);
    assert.equal(window.evaluateBlockingRequest({ msn: 2, part: 4 }), 'ready');
  });

  it('rejects requests too far ahead: msn past last + 2, part past the Advance Part Limit', () => {
    const { window } = windowWith(3, 2);
    assert.equal(advancePartLimit(0.5), 6);
    assert.equal(advancePartLimit(2), 3);
    assert.equal(window.evaluateBlockingRequest({ msn: 4 }), 'wait');
    assert.equal(window.evaluateBlockingRequest({ msn: 5 }), 'bad-request');
    assert.equal(window.evaluateBlockingRequest({ msn: 3, part: 7 }), 'wait', 'six parts past part 3.1');
    assert.equal(window.evaluateBlockingRequest({ msn: 3, part: 8 }), 'bad-request');
    assert.equal(window.evaluateBlockingRequest({ msn: 4, part: 3 }), 'wait', '2 left in seg 3, then 4 parts');
    assert.equal(window.evaluateBlockingRequest({ msn: 4, part: 4 }), 'bad-request');
  });

  it('ignores the directives once the playlist has EXT-X-ENDLIST', () => {
    const { window } = windowWith(3, 2);
    window.completeSegment(1);
    window.end();
    assert.equal(window.evaluateBlockingRequest({ msn: 5, part: 3 }), 'ready');
  });

  it('parses _HLS_msn/_HLS_part as decimal integers and refuses a part without an msn', () => {
    assert.deepEqual(parseBlockingRequest(undefined, undefined), { ok: true });
    assert.deepEqual(parseBlockingRequest('12', undefined), { ok: true, request: { msn: 12 } });
    assert.deepEqual(parseBlockingRequest('12', '3'), { ok: true, request: { msn: 12, part: 3 } });
    for (const [msn, part] of [
      [undefined, '1'],
      ['-1', undefined],
      ['1.5', undefined],
      ['12', 'x'],
      ['', undefined],
      ['1e3', undefined],
    ]) {
      assert.equal(parseBlockingRequest(msn, part).ok, false, `${msn} ${part}`);
    }
  });
});

describe('SegmentWindow eviction', () => {
  it('keeps windowSegments segments and reports the evicted ones', () => {
    const { window, events } = windowWith(14, 1, 10);
    assert.equal(window.segments.length, 10);
    assert.equal(window.mediaSequence, 4);
    assert.equal(window.getSegment(3), undefined);
    assert.ok(window.getSegment(4));
    const evicted = events
      .filter((e) => e.type === 'segment-evicted')
      .map((e) => e.type === 'segment-evicted' && e.segment.msn);
    assert.deepEqual(evicted, [0, 1, 2, 3]);
  });

  it("lets stored parts older than the newest few go, the open segment's too; they stay listed", () => {
    const { window } = windowWith(6, 2);
    assert.equal(window.releaseStoredParts(3), 0, 'nothing is stored yet: nothing goes');
    assert.ok(window.getPart(0, 0));
    // Segments 0-4 were stored whole (as a recording is uploaded), segment 5 and the open one part by part.
    for (let msn = 0; msn <= 4; msn++) window.markStored(msn);
    window.markStored(5, 0);
    window.markStored(5, 1);
    window.markStored(5, 3); // out of order: part 2's write has not finished
    window.markStored(6, 0);
    assert.equal(window.releaseStoredParts(3), 5, 'segments 0-4 went whole');
    assert.equal(window.getSegment(4), undefined, 'served as a whole from storage now');
    assert.deepEqual(window.releasedPartRange(4, 1), { segment: 'seg-4.m4s', start: 4, end: 8, complete: true });
    assert.equal(window.getPart(5, 1), undefined, "segment 5's stored prefix went");
    assert.deepEqual(window.releasedPartRange(5, 1), { segment: 'seg-5.m4s', start: 4, end: 8, complete: true });
    assert.ok(window.getPart(5, 2), 'an unstored part stays, and so does what follows it in its segment');
    assert.ok(window.getPart(5, 3));
    assert.equal(window.releasedPartRange(5, 2), undefined, 'still in memory');
    assert.ok(window.getPart(6, 0), 'the newest three parts stay: 5.3, 6.0, 6.1 (and 5.2 before them, unstored)');
    window.markStored(5, 2);
    window.markStored(6, 1);
    window.addPart(partOf(Buffer.from('s6p2')), 0.5, true);
    assert.equal(window.releaseStoredParts(3), 1, 'segment 5 went whole once its part 2 was stored');
    assert.ok(window.getPart(6, 0), 'the newest three: 6.0, 6.1, 6.2');
    window.addPart(partOf(Buffer.from('s6p3')), 0.5, false);
    window.markStored(6, 2);
    assert.equal(window.releaseStoredParts(3), 0, 'the open segment loses its first part, no complete segment');
    assert.equal(window.getPart(6, 0), undefined, "the open segment's parts go as well");
    assert.deepEqual(window.releasedPartRange(6, 0), { segment: 'seg-6.m4s', start: 0, end: 4, complete: false });
    assert.ok(window.getPart(6, 1));
    window.completeSegment(2);
    assert.equal(window.getSegment(6), undefined, 'a segment whose first part left is served from storage');
    assert.deepEqual(window.releasedPartRange(6, 0), { segment: 'seg-6.m4s', start: 0, end: 4, complete: true });
    assert.ok(window.getPart(6, 3), 'its newest parts are still in memory');
    assert.equal(window.resolve('seg-2.m4s'), undefined);
    assert.deepEqual(
      window.segments.map((segment) => segment.msn),
      [0, 1, 2, 3, 4, 5, 6],
      'still listed',
    );
    assert.equal(window.segments[2]!.byteLength, 16, 'its size still counts for BANDWIDTH');
    assert.equal(window.fullyReleased(2), true);
    assert.equal(window.fullyReleased(6), false);
    // Its parts are byte ranges of the stored segment, in order.
    const parts = window.segments[2]!.parts;
    let start = 0;
    for (const part of parts) {
      assert.deepEqual(window.releasedPartRange(2, part.index), {
        segment: 'seg-2.m4s',
        start,
        end: start + part.byteLength,
        complete: true,
      });
      start += part.byteLength;
    }
    assert.equal(start, 16);
    assert.equal(window.releasedPartRange(2, parts.length), undefined, 'no such part');
    assert.equal(window.releasedPartRange(9, 0), undefined, 'no such segment');
  });

  it('keeps every stored part with keepParts larger than the window, and none with 0', () => {
    const { window } = windowWith(2, 1);
    for (let msn = 0; msn <= 1; msn++) window.markStored(msn);
    window.markStored(2, 0);
    assert.equal(window.releaseStoredParts(100), 0);
    assert.ok(window.getSegment(0));
    assert.equal(window.releaseStoredParts(0), 2);
    assert.equal(window.getPart(2, 0), undefined, 'the newest part too, once stored');
    assert.deepEqual(window.releasedPartRange(2, 0), { segment: 'seg-2.m4s', start: 0, end: 4, complete: false });
  });

  it('never keeps less than three target durations listed (6.2.2), whatever the window option', () => {
    const { window } = windowWith(8, 1, 1);
    assert.equal(window.targetDuration, 2);
    assert.equal(window.segments.length, 3);
  });

  it('measures peak and average bit rates over the window', () => {
    const window = new SegmentWindow({ segmentSeconds: 2, partSeconds: 0.5, windowSegments: 10 });
    window.addInit(0, Buffer.alloc(1), []);
    for (const [bytes, seconds] of [
      [1000, 2],
      [3000, 2],
      [500, 1],
    ]) {
      window.openSegment(0, false, 0);
      window.addPart(partOf(Buffer.alloc(bytes!)), seconds!, true);
      window.completeSegment(seconds!);
    }
    assert.deepEqual(window.bandwidth(), { peak: 12000, average: 7200 }); // 36000 bits over 5 s
  });
});
