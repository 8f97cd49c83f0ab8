import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { FakeGcsServer } from '@rapidrtmp/server-storage/testing';
import { ApiClient } from './support/api-client.js';
import { FfmpegPublisher, ServerProcess, sleep, testClip, waitFor } from '@rapidrtmp/test-support';

// No GCS emulator installs here: the server runs the real @google-cloud/storage client against a small
// local server speaking the GCS JSON API (libs/server/storage/src/testing/fake-gcs-server.ts).

const run = promisify(execFile);
const ADMIN = { email: 'admin@example.com', password: 'admin password 123' };
const BUCKET = 'rapidrtmp-media';

function decodeErrors(url: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-i', url, '-f', 'null', '-'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', () => resolve(stderr.trim()));
  });
}

describe('recordings on Google Cloud Storage (fake GCS JSON API)', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let gcs: FakeGcsServer;
  let server: ServerProcess;
  let admin: ApiClient;

  before(async () => {
    db = await createTestDatabase('rr_gcs');
    gcs = new FakeGcsServer([BUCKET]);
    const endpoint = await gcs.start();
    server = await ServerProcess.start({
      env: {
        DATABASE_URL: db.url,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        STORAGE: 'gcs',
        GCS_BUCKET: BUCKET,
        GCS_API_ENDPOINT: endpoint,
      },
    });
    admin = (await ApiClient.login(server.baseUrl, ADMIN.email, ADMIN.password)).client;
  });

  after(async () => {
    await server?.stop();
    await gcs?.stop();
    await db?.drop();
  });

  it('stores the recording in the bucket and plays it back from there', async () => {
    const clip = await testClip({ seconds: 10 });
    const key = (await admin.post('/api/v1/stream-keys', { label: 'gcs' })).body;
    const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`, ['-re', '-i', clip]);
    assert.equal((await publisher.waitForExit(30_000)).code, 0);
    const recording = await waitFor(
      'the recording',
      async () => {
        const r = (await admin.get(`/api/v1/recordings?streamKeyId=${key.id}`)).body.items[0];
        return r && r.status !== 'recording' ? r : undefined;
      },
      20_000,
    );
    assert.equal(recording.status, 'complete');
    assert.equal(recording.storageBackend, 'gcs');
    const objects = [...gcs.objects(BUCKET).keys()].filter((k) => k.startsWith(`recordings/${recording.id}/`));
    assert.ok(objects.includes(`recordings/${recording.id}/init-0.mp4`));
    assert.equal(objects.filter((k) => k.endsWith('.m4s')).length, recording.segmentCount);
    assert.equal(await decodeErrors(`${server.baseUrl}/vod/${recording.id}/index.m3u8`), '');

    const download = await fetch(`${server.baseUrl}/api/v1/recordings/${recording.id}/download`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(download.status, 200);
    const file = join(server.dataDir, 'gcs-download.mp4');
    writeFileSync(file, Buffer.from(await download.arrayBuffer()));
    const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file]);
    assert.equal(probe.stderr.trim(), '');
    assert.deepEqual(probe.stdout.trim().split('\n').sort(), ['audio', 'video']);
    assert.equal(await decodeErrors(file), '');
  });

  it('keeps live HLS going while the bucket answers 503 for 20 s, catches up afterwards, and never loses a segment silently', async () => {
    const clip = await testClip({ seconds: 40 });
    const key = (await admin.post('/api/v1/stream-keys', { label: 'outage' })).body;
    const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`, ['-re', '-i', clip]);
    const multivariant = await waitFor(
      'the live playlist',
      async () => {
        const r = await fetch(`${server.baseUrl}/live/${key.playbackId}/index.m3u8`);
        return r.status === 200 ? r.text() : undefined;
      },
      15_000,
    );
    const mediaUrl = `${server.baseUrl}/live/${key.playbackId}/${multivariant.trim().split('\n').pop()}`;
    const lastSegment = async () => {
      const text = await (await fetch(mediaUrl)).text();
      const numbers = [...text.matchAll(/^seg-(\d+)\.m4s$/gm)].map((m) => Number(m[1]));
      return Math.max(-1, ...numbers);
    };

    gcs.fault = 'unavailable';
    const atOutage = await lastSegment();
    let longestWithoutNewSegmentMs = 0;
    let previous = atOutage;
    let changedAt = Date.now();
    const outageEnds = Date.now() + 20_000;
    while (Date.now() < outageEnds) {
      await sleep(250);
      const last = await lastSegment();
      if (last > previous) {
        previous = last;
        changedAt = Date.now();
      }
      longestWithoutNewSegmentMs = Math.max(longestWithoutNewSegmentMs, Date.now() - changedAt);
    }
    gcs.fault = 'none';
    assert.ok(
      previous >= atOutage + 8,
      `the live playlist advanced from segment ${atOutage} to ${previous} during the outage`,
    );
    assert.ok(
      longestWithoutNewSegmentMs < 4000,
      `longest wait for a new live segment: ${longestWithoutNewSegmentMs} ms`,
    );

    assert.equal((await publisher.waitForExit(40_000)).code, 0);
    const recording = await waitFor(
      'the recording to end',
      async () => {
        const r = (await admin.get(`/api/v1/recordings?streamKeyId=${key.id}`)).body.items[0];
        return r && r.status !== 'recording' ? r : undefined;
      },
      30_000,
    );
    console.log(
      `  -> after the outage: recording ${recording.status}, ${recording.segmentCount} segments, ${recording.gaps} gaps`,
    );
    // Uploads retry and spool: either everything arrived, or what did not is counted as a gap.
    if (recording.status === 'incomplete') assert.ok(recording.gaps > 0, 'an incomplete recording names its gaps');
    else assert.equal(recording.status, 'complete');
    const stored = [...gcs.objects(BUCKET).keys()].filter((k) =>
      k.startsWith(`recordings/${recording.id}/seg-`),
    ).length;
    assert.ok(stored >= 18, `${stored} segments reached the bucket`);
    assert.equal(await decodeErrors(`${server.baseUrl}/vod/${recording.id}/index.m3u8`), '');
  });
});
