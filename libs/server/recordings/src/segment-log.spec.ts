import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@rapidrtmp/server-logging';
import { SegmentLog, type SegmentLogRow } from './segment-log.js';
import { segmentRow } from './testing/segment-row.js';

const row = (recordingId: string, msn: number): SegmentLogRow =>
  segmentRow(msn, { recordingId, state: 'pending', programDateTime: new Date(0) });

/** Records each batch as `recording/msn:state` entries; fails while `down` is set. */
function writer() {
  const batches: string[][] = [];
  const state = { down: false };
  const write = async (rows: SegmentLogRow[]) => {
    if (state.down) throw new Error('database unreachable');
    batches.push(rows.map((r) => `${r.recordingId}/${r.msn}:${r.state}`));
  };
  return { batches, state, write };
}

const log = createLogger('silent');
const options = { intervalMs: 60_000, maxRows: 100 };

describe('SegmentLog', () => {
  it('writes a segment settled before the flush as one row in its final state, all recordings in one batch', async () => {
    const { batches, write } = writer();
    const segments = new SegmentLog(write, options, log);
    segments.recordingReady('a');
    segments.recordingReady('b');
    segments.add(row('a', 0));
    segments.add(row('b', 0));
    segments.settle('a', 0, 'stored');
    segments.settle('b', 0, 'failed');
    await segments.flush();
    assert.deepEqual(batches, [['a/0:stored', 'b/0:failed']]);
    await segments.flush();
    assert.equal(batches.length, 1, 'nothing left to write');
    segments.stop();
  });

  it('writes a pending row, then its state when the upload lands', async () => {
    const { batches, write } = writer();
    const segments = new SegmentLog(write, options, log);
    segments.recordingReady('a');
    segments.add(row('a', 0));
    await segments.flush();
    segments.settle('a', 0, 'stored');
    await segments.flush();
    assert.deepEqual(batches, [['a/0:pending'], ['a/0:stored']]);
    segments.stop();
  });

  it('holds a recording’s rows until its recording row exists', async () => {
    const { batches, write } = writer();
    const segments = new SegmentLog(write, options, log);
    segments.add(row('a', 0));
    await segments.flush();
    assert.deepEqual(batches, []);
    segments.recordingReady('a');
    await segments.flush();
    assert.deepEqual(batches, [['a/0:pending']]);
    segments.stop();
  });

  it('keeps rows through a database outage and writes them when it returns; bounded meanwhile', async () => {
    const { batches, state, write } = writer();
    let dropped = 0;
    const segments = new SegmentLog(write, { intervalMs: 60_000, maxRows: 3, onDropped: () => dropped++ }, log);
    segments.recordingReady('a');
    state.down = true;
    for (let msn = 0; msn < 5; msn++) segments.add(row('a', msn));
    segments.settle('a', 4, 'stored');
    await segments.flush();
    assert.deepEqual(batches, []);
    assert.equal(segments.unwritten('a'), 3, 'what a recording that ends now must wait for');
    assert.equal(segments.size, 3);
    assert.equal(dropped, 2);
    state.down = false;
    await segments.flush();
    assert.deepEqual(batches, [['a/2:pending', 'a/3:pending', 'a/4:stored']], 'the oldest two dropped at the bound');
    assert.equal(segments.unwritten('a'), 0);
    segments.stop();
  });

  it('flushes on its own after the interval', async () => {
    const { batches, write } = writer();
    const segments = new SegmentLog(write, { intervalMs: 20, maxRows: 100 }, log);
    segments.recordingReady('a');
    segments.add(row('a', 7));
    for (let i = 0; i < 200 && batches.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(batches, [['a/7:pending']]);
    segments.stop();
  });
});
