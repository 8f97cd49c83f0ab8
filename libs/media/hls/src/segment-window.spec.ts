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

  it('lets stored segments go part by part as the open segment grows; they stay listed', () => {
    const { window } = windowWith(6, 2);
    // One segment's worth in memory: the open segment's 2 parts replace the first 2 of the newest complete one.
    assert.equal(window.releaseStored(5, 1), false, 'the newest is only partly released');
    assert.equal(window.getSegment(5), undefined, 'served as a whole from storage now');
    assert.equal(window.getPart(5, 1), undefined);
    assert.ok(window.getPart(5, 2), 'its newest parts stay');
    assert.deepEqual(window.releasedPartRange(5, 1), { segment: 'seg-5.m4s', start: 4, end: 8 });
    assert.equal(window.releasedPartRange(5, 2), undefined, 'still in memory');
    assert.equal(window.releaseStored(5, 2), false, 'two segments in memory: the newest stays whole');
    assert.equal(window.releaseStored(4, 2), false, 'and the one before goes part by part');
    assert.equal(window.getPart(4, 1), undefined);
    assert.ok(window.getPart(4, 2));
    window.addPart(partOf(Buffer.from('s6p2')), 0.5, true);
    assert.equal(window.releaseStored(5, 1), false);
    assert.equal(window.getPart(5, 2), undefined, 'one more part opened, one more went');
    assert.ok(window.getPart(5, 3));
    assert.equal(window.releaseStored(2, 1), true, 'further back: all its parts');
    assert.equal(window.releaseStored(2, 1), false, 'already released');
    assert.equal(window.releaseStored(9, 1), false, 'not a complete segment');
    window.completeSegment(1.5);
    assert.equal(window.releaseStored(5, 1), true, 'the next segment completed: the rest of it');
    assert.equal(window.getSegment(2), undefined);
    assert.equal(window.getPart(2, 1), undefined);
    assert.equal(window.resolve('seg-2.m4s'), undefined);
    assert.ok(window.getSegment(3));
    assert.ok(window.getSegment(6), 'the newest complete segment, while no part of the next exists');
    assert.deepEqual(
      window.segments.map((segment) => segment.msn),
      [0, 1, 2, 3, 4, 5, 6],
      'still listed',
    );
    assert.equal(window.segments[2]!.byteLength, 16, 'its size still counts for BANDWIDTH');
    // Its parts are byte ranges of the stored segment, in order.
    const parts = window.segments[2]!.parts;
    let start = 0;
    for (const part of parts) {
      assert.deepEqual(window.releasedPartRange(2, part.index), {
        segment: 'seg-2.m4s',
        start,
        end: start + part.byteLength,
      });
      start += part.byteLength;
    }
    assert.equal(start, 16);
    assert.equal(window.releasedPartRange(2, parts.length), undefined, 'no such part');
    assert.equal(window.releasedPartRange(3, 0), undefined, 'still in memory');
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
