import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, describe, it } from 'node:test';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { RecordingEntity } from '@rapidrtmp/server-persistence';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import { LocalObjectStore, type ObjectStore } from '@rapidrtmp/server-storage';
import { recordingKey } from './recorder.service.js';
import type { RecordingsRepository } from './recordings.repository.js';
import { RecordingsService } from './recordings.service.js';
import { segmentRow } from './testing/segment-row.js';

const OWNER = principalOf('publisher', 'pub');
const SEGMENTS = 24;
const SEGMENT_BYTES = 256 * 1024;

/** Files this process holds open under `root` (what a storage read leaks when nobody closes it). */
function openFilesUnder(root: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(root) ? [target] : [];
    } catch {
      return []; // closed while listing
    }
  });
}

async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A finished recording `r` of an init segment and SEGMENTS segments, stored in a real LocalObjectStore. */
async function setup(root: string) {
  const local = new LocalObjectStore(root, { fsync: false });
  const objects = [{ name: 'init-0.mp4', bytes: randomBytes(1000) }];
  for (let msn = 0; msn < SEGMENTS; msn++) objects.push({ name: `seg-${msn}.m4s`, bytes: randomBytes(SEGMENT_BYTES) });
  for (const { name, bytes } of objects) await local.put(recordingKey('r', name), bytes);
  let headsInFlight = 0;
  let maxHeadsInFlight = 0;
  // The real store, with its HEADs counted as they overlap.
  const store = Object.assign(Object.create(local) as ObjectStore, {
    async head(key: string) {
      maxHeadsInFlight = Math.max(maxHeadsInFlight, ++headsInFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2));
        return await local.head(key);
      } finally {
        headsInFlight--;
      }
    },
  });
  const recording = { id: 'r', ownerId: 'pub', status: 'complete', startedAt: new Date(0) } as RecordingEntity;
  const repository = {
    findById: async (id: string) => (id === 'r' ? recording : null),
    segmentsOf: async () => Array.from({ length: SEGMENTS }, (_, msn) => segmentRow(msn)),
  } satisfies Partial<RecordingsRepository>;
  const service = new RecordingsService(
    repository as unknown as RecordingsRepository,
    recordingAuditLog(),
    loadConfig({ PUBLIC_URL: 'https://stream.example.com' }),
    store,
  );
  return { service, objects, maxHeads: () => maxHeadsInFlight };
}

describe('recording download from a real local object store', () => {
  const root = mkdtempSync(join(tmpdir(), 'rr-download-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('streams every part in order, checking at most 4 parts at a time', async () => {
    const { service, objects, maxHeads } = await setup(join(root, 'whole'));
    const file = await service.download(OWNER, 'r');
    const expected = Buffer.concat(objects.map((o) => o.bytes));
    assert.equal(file.size, expected.length);
    assert.ok((await buffer(file.body)).equals(expected));
    assert.ok(maxHeads() <= 4 && maxHeads() > 1, `HEADs in flight: ${maxHeads()}`);
    await eventually('every storage read closed', () => openFilesUnder(join(root, 'whole')).length === 0);
  });

  it('closes the open storage read and opens no other when the client goes away mid-download', async () => {
    const store = join(root, 'aborted');
    const { service } = await setup(store);
    const file = await service.download(OWNER, 'r');
    let received = 0;
    for await (const chunk of file.body) {
      received += (chunk as Buffer).length;
      if (received > SEGMENT_BYTES * 2) break; // the client hangs up: the body is destroyed
    }
    assert.ok(file.body.destroyed);
    await eventually('the storage read to close', () => openFilesUnder(store).length === 0, 5_000);
    // And it stays closed: no later part is opened.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(openFilesUnder(store), []);
  });
});
