// The uploader against the GCS store (the real @google-cloud/storage client) and FakeGcsServer, whose
// `fault` switch plays an outage. Client retries are off (maxRetries 0) so the uploader's own retry,
// spool and drop logic is what is under test; every wait is bounded by `waitFor`.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { waitFor } from '@rapidrtmp/test-support';
import { GcsObjectStore } from './gcs-object-store.js';
import type { KeyVersions } from './key-versions.js';
import { FakeGcsServer } from './testing/fake-gcs-server.js';
import type { UploadDropReason, WriteBehindOptions } from './write-behind-options.js';
import { WriteBehindUploader } from './write-behind-uploader.js';

/** Tight polling: some of these states are short-lived between two spool ticks. */
const [POLL_TIMEOUT_MS, POLL_EVERY_MS] = [5000, 20];

const metrics = new MetricsRegistry();
const logger = createLogger('silent');

async function counterValue(name: string, reason?: string): Promise<number> {
  const values = (await metrics.counter({ name, help: name, labelNames: ['reason'] }).get()).values;
  return values.filter((v) => reason === undefined || v.labels.reason === reason).reduce((sum, v) => sum + v.value, 0);
}

/** Fast settings: the outage tests run in well under a second each. */
const FAST: Omit<WriteBehindOptions, 'spoolDir'> = {
  queueMaxBytes: 4 * 1024 * 1024,
  spoolMaxBytes: 16 * 1024 * 1024,
  concurrency: 4,
  maxAttempts: 5,
  retryBudgetMs: 10_000,
  backoffBaseMs: 20,
  backoffMaxMs: 100,
  spoolRetryIntervalMs: 100,
};

/** Per-key bookkeeping the uploader holds (it must not grow with every key ever uploaded). */
function keysTracked(uploader: WriteBehindUploader): number {
  return (uploader as unknown as { versions: KeyVersions }).versions.size;
}

interface Outcome {
  stored: string[];
  failed: Array<{ key: string; reason: UploadDropReason }>;
}

describe('WriteBehindUploader (GCS store, fake GCS server)', () => {
  let fake: FakeGcsServer;
  let store: GcsObjectStore;
  let dir: string;
  const uploaders: WriteBehindUploader[] = [];

  before(async () => {
    fake = new FakeGcsServer(['media']);
    store = new GcsObjectStore({
      bucket: 'media',
      apiEndpoint: await fake.start(),
      maxRetries: 0,
      operationTimeoutMs: 2000,
    });
  });
  after(() => fake.stop());
  beforeEach(() => {
    fake.fault = 'none';
    fake.objects('media').clear();
    dir = mkdtempSync(join(tmpdir(), 'rr-spool-'));
  });
  afterEach(async () => {
    fake.fault = 'none';
    await Promise.all(uploaders.splice(0).map((uploader) => uploader.drain(0)));
    rmSync(dir, { recursive: true, force: true });
  });

  function uploader(options: Partial<WriteBehindOptions> = {}): WriteBehindUploader {
    const created = new WriteBehindUploader(
      store,
      { ...FAST, spoolDir: join(dir, 'spool'), ...options },
      logger,
      metrics,
    );
    uploaders.push(created);
    return created;
  }

  /**
   * Collects callbacks; `label` names the enqueue in `failed` (several enqueues may share a key) and in
   * `bytesDone` (how often each was told its buffers are free: exactly once, once nothing reads them).
   */
  function track() {
    const outcome: Outcome = { stored: [], failed: [] };
    const bytesDone = new Map<string, number>();
    return {
      ...outcome,
      bytesDone,
      callbacks: (label: string) => ({
        onStored: (key: string) => outcome.stored.push(key),
        onFailed: (reason: UploadDropReason) => outcome.failed.push({ key: label, reason }),
        onBytesDone: () => bytesDone.set(label, (bytesDone.get(label) ?? 0) + 1),
      }),
    };
  }

  function assertBytesDoneOnce(bytesDone: Map<string, number>, labels: string[]): void {
    for (const label of labels) assert.equal(bytesDone.get(label), 1, `${label}: buffers given back once`);
  }

  const stored = (key: string) => fake.objects('media').get(key)?.data;

  it('uploads in the background, a few at a time, with the content type', async () => {
    const up = uploader();
    await up.start();
    const outcome = track();
    for (let i = 0; i < 10; i += 1) {
      up.enqueue(
        `live/seg-${i}.m4s`,
        [Buffer.from('seg '), Buffer.from(String(i))],
        outcome.callbacks(`live/seg-${i}.m4s`),
      );
    }
    await waitFor('10 uploads', () => outcome.stored.length === 10, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assert.equal(stored('live/seg-7.m4s')?.toString(), 'seg 7');
    assert.equal(fake.objects('media').get('live/seg-7.m4s')?.contentType, 'video/iso.segment');
    assert.equal(up.queuedItems, 0);
    assert.equal(up.queuedBytes, 0);
    assert.equal(keysTracked(up), 0, 'no per-key state outlives the uploads');
    assertBytesDoneOnce(
      outcome.bytesDone,
      Array.from({ length: 10 }, (_, i) => `live/seg-${i}.m4s`),
    );
  });

  it('never makes the caller wait while the store answers 503, and delivers after recovery', async () => {
    const up = uploader({ maxAttempts: 50, retryBudgetMs: 20_000 });
    await up.start();
    const failuresBefore = await counterValue('storage_upload_failures_total', 'unavailable');
    fake.fault = 'unavailable';
    const outcome = track();
    const started = performance.now();
    for (let i = 0; i < 20; i += 1)
      up.enqueue(`outage/${i}.m4s`, Buffer.alloc(10_000, i), outcome.callbacks(`outage/${i}.m4s`));
    const enqueueMs = performance.now() - started;
    assert.ok(enqueueMs < 50, `20 enqueues took ${enqueueMs.toFixed(1)} ms`);
    await waitFor(
      'failed attempts',
      async () => (await counterValue('storage_upload_failures_total', 'unavailable')) >= failuresBefore + 8,
      POLL_TIMEOUT_MS,
      POLL_EVERY_MS,
    );
    assert.equal(outcome.stored.length, 0);
    fake.fault = 'none';
    await waitFor('all 20 stored after recovery', () => outcome.stored.length === 20, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assert.deepEqual(outcome.failed, []);
    assert.equal(up.spooledItems, 0, 'nothing needed the spool');
    for (let i = 0; i < 20; i += 1) assert.ok(stored(`outage/${i}.m4s`)?.equals(Buffer.alloc(10_000, i)));
  });

  it('spools what outlives the retry budget and uploads it from the spool after recovery', async () => {
    const up = uploader({ maxAttempts: 3, retryBudgetMs: 300 });
    await up.start();
    fake.fault = 'unavailable';
    const outcome = track();
    for (let i = 0; i < 6; i += 1)
      up.enqueue(`spool/${i}.m4s`, Buffer.alloc(5_000, i), outcome.callbacks(`spool/${i}.m4s`));
    await waitFor('6 items spooled', () => up.spooledItems === 6, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assert.equal(up.queuedItems, 0);
    assert.ok(up.spooledBytes > 6 * 5_000);
    assert.equal(readdirSync(join(dir, 'spool')).filter((name) => name.endsWith('.spool')).length, 6);
    // Spooled: the memory copy is no longer read, long before the store is back.
    assertBytesDoneOnce(
      outcome.bytesDone,
      Array.from({ length: 6 }, (_, i) => `spool/${i}.m4s`),
    );
    fake.fault = 'none';
    await waitFor(
      'spool replayed',
      () => outcome.stored.length === 6 && up.spooledItems === 0,
      POLL_TIMEOUT_MS,
      POLL_EVERY_MS,
    );
    for (let i = 0; i < 6; i += 1) assert.ok(stored(`spool/${i}.m4s`)?.equals(Buffer.alloc(5_000, i)));
    assert.equal(up.spooledBytes, 0);
    assert.deepEqual(readdirSync(join(dir, 'spool')), []);
  });

  it('uploads the spool an earlier run left behind at start-up', async () => {
    const first = uploader({ maxAttempts: 1 });
    fake.fault = 'unavailable';
    for (let i = 0; i < 3; i += 1) first.enqueue(`restart/${i}.m4s`, Buffer.from(`v${i}`));
    await waitFor('spooled by the first run', () => first.spooledItems === 3, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assert.deepEqual(await first.drain(100), { timedOut: false, spooled: 0 });
    fake.fault = 'none';
    const second = uploader({ spoolRetryIntervalMs: 60_000 }); // only the start-up replay can do it
    await second.start();
    await waitFor(
      'uploaded by the second run',
      () => ['0', '1', '2'].every((i) => stored(`restart/${i}.m4s`)?.toString() === `v${i}`),
      POLL_TIMEOUT_MS,
      POLL_EVERY_MS,
    );
    await waitFor('spool emptied', () => second.spooledItems === 0, POLL_TIMEOUT_MS, POLL_EVERY_MS);
  });

  it('drops, logs, counts and reports spool-full when the spool is full too', async () => {
    const up = uploader({ maxAttempts: 1, spoolMaxBytes: 12_000 });
    await up.start();
    const droppedBefore = await counterValue('storage_dropped_total', 'spool-full');
    fake.fault = 'unavailable';
    const outcome = track();
    for (let i = 0; i < 4; i += 1)
      up.enqueue(`full/${i}.m4s`, Buffer.alloc(5_000, i), outcome.callbacks(`full/${i}.m4s`));
    await waitFor(
      '2 spooled, 2 dropped',
      () => up.spooledItems + outcome.failed.length === 4,
      POLL_TIMEOUT_MS,
      POLL_EVERY_MS,
    );
    assert.equal(up.spooledItems, 2);
    assert.ok(up.spooledBytes <= 12_000);
    assert.deepEqual(
      outcome.failed.map((f) => f.reason),
      ['spool-full', 'spool-full'],
    );
    assert.equal((await counterValue('storage_dropped_total', 'spool-full')) - droppedBefore, 2);
    fake.fault = 'none';
    await waitFor('the spooled two uploaded', () => outcome.stored.length === 2, POLL_TIMEOUT_MS, POLL_EVERY_MS);
  });

  it('keeps the queue within its byte bound: what does not fit goes straight to the spool', async () => {
    const bound = 1024 * 1024;
    const up = uploader({ queueMaxBytes: bound, maxAttempts: 100, retryBudgetMs: 20_000 });
    await up.start();
    fake.fault = 'unavailable';
    const outcome = track();
    const item = 200 * 1024;
    for (let i = 0; i < 15; i += 1)
      up.enqueue(`bound/${i}.m4s`, Buffer.alloc(item, i), outcome.callbacks(`bound/${i}.m4s`));
    assert.ok(up.peakQueueBytes <= bound, `peak ${up.peakQueueBytes} > ${bound}`);
    assert.equal(up.queuedBytes, 5 * item, 'five items fit in 1 MiB');
    await waitFor('the other ten spooled', () => up.spooledItems === 10, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    fake.fault = 'none';
    await waitFor('all 15 stored', () => outcome.stored.length === 15, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assert.ok(up.peakQueueBytes <= bound);
    for (let i = 0; i < 15; i += 1) assert.ok(stored(`bound/${i}.m4s`)?.equals(Buffer.alloc(item, i)));
    assertBytesDoneOnce(
      outcome.bytesDone,
      Array.from({ length: 15 }, (_, i) => `bound/${i}.m4s`),
    );
  });

  it('keeps the newest value of a key: an older queued or spooled one never overwrites it', async () => {
    const up = uploader({ maxAttempts: 1 });
    await up.start();
    fake.fault = 'unavailable';
    const outcome = track();
    up.enqueue('vod/index.m3u8', Buffer.from('#v1'), outcome.callbacks('v1'));
    await waitFor('v1 spooled', () => up.spooledItems === 1, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    fake.fault = 'none';
    up.enqueue('vod/index.m3u8', Buffer.from('#v2'), outcome.callbacks('v2'));
    up.enqueue('vod/index.m3u8', Buffer.from('#v3'), outcome.callbacks('v3'));
    await waitFor(
      'v3 stored and the spool settled',
      () => outcome.stored.length >= 1 && up.spooledItems === 0 && up.queuedItems === 0,
      POLL_TIMEOUT_MS,
      POLL_EVERY_MS,
    );
    await new Promise((resolve) => setTimeout(resolve, 250)); // a few spool ticks: nothing may overwrite v3
    assert.equal(stored('vod/index.m3u8')?.toString(), '#v3');
    assert.ok(outcome.failed.every((f) => f.reason === 'superseded'));
    assert.ok(
      outcome.failed.some((f) => f.key === 'v1'),
      'the spooled v1 was discarded',
    );
    assertBytesDoneOnce(outcome.bytesDone, ['v1', 'v2', 'v3']);
  });

  it('gives buffers back only after a drain has copied an upload still in flight to the spool', async () => {
    const down = uploader({ maxAttempts: 100 });
    await down.start();
    fake.fault = 'unavailable';
    const outcome = track();
    for (const name of ['h', 'i']) down.enqueue(`drain/${name}.m4s`, Buffer.from(name), outcome.callbacks(name));
    await new Promise((resolve) => setTimeout(resolve, 50)); // both in flight, retrying
    assert.equal(outcome.bytesDone.size, 0, 'still being uploaded: not given back');
    const result = await down.drain(100);
    assert.equal(result.spooled, 2);
    await waitFor('given back', () => outcome.bytesDone.size === 2, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assertBytesDoneOnce(outcome.bytesDone, ['h', 'i']);
  });

  it('drains for shutdown: uploads what it can, spools the rest for the next start', async () => {
    const up = uploader({ maxAttempts: 100 });
    await up.start();
    up.enqueue('drain/a.m4s', Buffer.from('a'));
    assert.deepEqual(await up.drain(1000), { timedOut: false, spooled: 0 });
    assert.equal(stored('drain/a.m4s')?.toString(), 'a');

    const down = uploader({ maxAttempts: 100 });
    await down.start();
    fake.fault = 'unavailable';
    for (const name of ['b', 'c', 'd', 'e', 'f', 'g']) down.enqueue(`drain/${name}.m4s`, Buffer.from(name));
    const started = performance.now();
    const result = await down.drain(150);
    assert.ok(performance.now() - started < 1500, 'the drain is bounded');
    assert.equal(result.spooled, 6);
    assert.equal(down.spooledItems, 6);
    down.enqueue('drain/late.m4s', Buffer.from('late')); // after the drain: straight to the spool
    await waitFor('late item spooled', () => down.spooledItems === 7, POLL_TIMEOUT_MS, POLL_EVERY_MS);

    fake.fault = 'none';
    const next = uploader();
    await next.start();
    await waitFor(
      'the next start uploads all seven',
      () => ['b', 'c', 'd', 'e', 'f', 'g', 'late'].every((name) => stored(`drain/${name}.m4s`) !== undefined),
      POLL_TIMEOUT_MS,
      POLL_EVERY_MS,
    );
  });

  it('never throws to the caller: a bad key and a throwing callback are reported, not raised', async () => {
    const up = uploader();
    await up.start();
    const failed: UploadDropReason[] = [];
    const droppedBefore = await counterValue('storage_dropped_total', 'invalid-key');
    assert.doesNotThrow(() => up.enqueue('../escape', Buffer.from('x'), { onFailed: (reason) => failed.push(reason) }));
    assert.deepEqual(failed, [], 'not from inside enqueue');
    await waitFor('reported', () => failed.length === 1, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assert.deepEqual(failed, ['invalid-key']);
    assert.equal((await counterValue('storage_dropped_total', 'invalid-key')) - droppedBefore, 1);
    let calls = 0;
    up.enqueue('ok/x.m4s', Buffer.from('x'), {
      onStored: () => {
        calls += 1;
        throw new Error('caller bug');
      },
    });
    up.enqueue('ok/y.m4s', Buffer.from('y'), { onStored: () => (calls += 1) });
    await waitFor('both callbacks ran', () => calls === 2, POLL_TIMEOUT_MS, POLL_EVERY_MS);
  });
});
