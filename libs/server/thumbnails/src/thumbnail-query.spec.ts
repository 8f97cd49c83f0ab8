import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LoggedSegment, segmentAt, storedDuration } from './recording-frame.js';
import { parseTime, parseWidth } from './thumbnail-query.js';

describe('thumbnail query values', () => {
  it('width: the source width by default, clamped to 16..1920 and the source, even; garbage refused', () => {
    assert.deepEqual(parseWidth(undefined, 640), { ok: true, value: 640 });
    assert.deepEqual(parseWidth(undefined, 3840), { ok: true, value: 1920 });
    assert.deepEqual(
      parseWidth(undefined, 0),
      { ok: true, value: undefined },
      'unknown source: ffmpeg keeps it (capped)',
    );
    assert.deepEqual(parseWidth('320', 640), { ok: true, value: 320 });
    assert.deepEqual(parseWidth('321', 640), { ok: true, value: 320 });
    assert.deepEqual(parseWidth('4000', 640), { ok: true, value: 640 }, 'never upscaled');
    assert.deepEqual(parseWidth('4000'), { ok: true, value: 1920 });
    assert.deepEqual(parseWidth('1', 640), { ok: true, value: 16 });
    for (const garbage of ['abc', '-5', '12.5', '1e3', ' 320', '9999999'])
      assert.equal(parseWidth(garbage, 640).ok, false, garbage);
  });

  it('time: seconds with up to 3 decimals, 0 by default', () => {
    assert.deepEqual(parseTime(undefined), { ok: true, value: 0 });
    assert.deepEqual(parseTime('12.5'), { ok: true, value: 12.5 });
    for (const garbage of ['-1', 'abc', '1e2', '1.23456', 'NaN']) assert.equal(parseTime(garbage).ok, false, garbage);
  });
});

describe('segmentAt: the recording segment holding a time on the VOD timeline', () => {
  const segment = (msn: number, duration: number, state = 'stored'): LoggedSegment => ({
    msn,
    name: `seg-${msn}.m4s`,
    initName: 'init-0.mp4',
    duration,
    state,
  });
  const log = [segment(0, 2), segment(1, 2, 'failed'), segment(2, 2.5), segment(3, 1.5, 'pending'), segment(4, 2)];

  it('counts only stored segments, as the VOD playlist lists them', () => {
    assert.equal(storedDuration(log), 6.5);
    assert.deepEqual(segmentAt(log, 0), { segment: log[0], offset: 0 });
    assert.deepEqual(segmentAt(log, 1.25), { segment: log[0], offset: 1.25 });
    assert.deepEqual(segmentAt(log, 2), { segment: log[2], offset: 0 });
    assert.deepEqual(segmentAt(log, 5), { segment: log[4], offset: 0.5 });
  });

  it('stays a little before a segment’s end, and finds nothing past the last', () => {
    assert.deepEqual(segmentAt(log, 6.49), { segment: log[4], offset: 1.9 });
    assert.equal(segmentAt(log, 6.5), undefined);
    assert.equal(segmentAt([], 0), undefined);
  });
});
