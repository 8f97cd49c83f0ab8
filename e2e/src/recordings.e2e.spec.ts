import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { ApiClient } from './support/api-client.js';
import { FfmpegPublisher, metricValue, ServerProcess, scrapeMetrics, testClip, waitFor } from '@rapidrtmp/test-support';

const run = promisify(execFile);
const ADMIN = { email: 'admin@example.com', password: 'admin password 123' };

/** Decodes a URL or file with ffmpeg; resolves with its error output and the decoded duration. */
function decode(input: string): Promise<{ code: number | null; errors: string; seconds: number }> {
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-v', 'error', '-stats', '-i', input, '-f', 'null', '-'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => {
      const times = [...stderr.matchAll(/time=(\d+):(\d+):([\d.]+)/g)];
      const last = times[times.length - 1];
      const seconds = last ? Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]) : 0;
      const errors = stderr
        .split(/[\r\n]/)
        .filter((line) => line.trim() && !/^(frame|size)=/.test(line.trim()))
        .join('\n');
      resolve({ code, errors, seconds });
    });
  });
}

describe('recordings: every session kept, playable as VOD and downloadable', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let admin: ApiClient;

  before(async () => {
    db = await createTestDatabase('rr_recordings');
    server = await ServerProcess.start({
      env: { DATABASE_URL: db.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
    });
    admin = (await ApiClient.login(server.baseUrl, ADMIN.email, ADMIN.password)).client;
  });

  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('records 30 s of H.264 High + AAC: complete, VOD decodes without errors at the right length, the download is one valid MP4', async () => {
    const clip = await testClip({ seconds: 30 });
    const key = (await admin.post('/api/v1/stream-keys', { label: 'recorded' })).body;
    const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`, ['-re', '-i', clip]);
    const live = await waitFor(
      'the recording to start',
      async () => {
        const page = await admin.get(`/api/v1/recordings?streamKeyId=${key.id}`);
        return page.body.items[0];
      },
      15_000,
    );
    assert.equal(live.status, 'recording');
    const multivariant = await (await fetch(`${server.baseUrl}/live/${key.playbackId}/index.m3u8`)).text();
    const liveBase = `${server.baseUrl}/live/${key.playbackId}/${multivariant.trim().split('\n').pop()!.split('/')[0]}`;
    assert.equal((await publisher.waitForExit(45_000)).code, 0);

    // Live DVR: seg-0 left the 10-segment window long ago, and is still served (from storage).
    const livePlaylist = await (await fetch(`${liveBase}/media.m3u8`)).text();
    assert.doesNotMatch(livePlaylist, /^seg-0\.m4s$/m);
    const evicted = await waitFor(
      'seg-0 from storage',
      async () => {
        const r = await fetch(`${liveBase}/seg-0.m4s`);
        return r.status === 200 ? Buffer.from(await r.arrayBuffer()) : undefined;
      },
      10_000,
    );
    assert.equal(evicted.subarray(4, 8).toString('latin1'), 'moof');

    const recording = await waitFor(
      'the recording to be complete',
      async () => {
        const r = (await admin.get(`/api/v1/recordings/${live.id}`)).body;
        return r.status !== 'recording' ? r : undefined;
      },
      20_000,
    );
    assert.equal(recording.status, 'complete');
    assert.equal(recording.gaps, 0);
    assert.ok(Math.abs(recording.durationSeconds - 30) <= 2, `recorded ${recording.durationSeconds} s`);
    assert.ok(recording.segmentCount >= 14);
    // The spill and the media folder share DATA_DIR's filesystem: every segment was linked, none copied.
    const linked = metricValue(await scrapeMetrics(server.baseUrl), 'rapidrtmp_recording_segments_linked_total');
    assert.equal(linked, recording.segmentCount, 'segments linked from the live spill');

    const vodUrl = `${server.baseUrl}/vod/${recording.id}/index.m3u8`;
    const playlist = await (await fetch(vodUrl)).text();
    assert.match(playlist, /#EXT-X-PLAYLIST-TYPE:VOD/);
    assert.match(playlist, /#EXT-X-ENDLIST/);
    assert.match(playlist, /#EXT-X-MAP:URI="init-0\.mp4"/);
    const vod = await decode(vodUrl);
    assert.equal(vod.code, 0);
    assert.equal(vod.errors, '', 'ffmpeg decodes the VOD without an error');
    assert.ok(Math.abs(vod.seconds - 30) <= 2, `VOD decodes to ${vod.seconds} s`);

    const segment = /^(seg-\d+\.m4s)$/m.exec(playlist)![1];
    const ranged = await fetch(`${server.baseUrl}/vod/${recording.id}/${segment}`, {
      headers: { range: 'bytes=0-99' },
    });
    assert.equal(ranged.status, 206);
    assert.equal((await ranged.arrayBuffer()).byteLength, 100);
    assert.match(ranged.headers.get('cache-control') ?? '', /immutable/);

    const download = await fetch(`${server.baseUrl}/api/v1/recordings/${recording.id}/download`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition') ?? '', /attachment; filename="recording-.*\.mp4"/);
    const bytes = Buffer.from(await download.arrayBuffer());
    assert.equal(bytes.length, Number(download.headers.get('content-length')));
    const file = join(server.dataDir, 'download.mp4');
    writeFileSync(file, bytes);
    const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file]);
    assert.equal(probe.stderr.trim(), '');
    assert.deepEqual(probe.stdout.trim().split('\n').sort(), ['audio', 'video']);
    const downloaded = await decode(file);
    assert.equal(downloaded.errors, '');
    assert.ok(Math.abs(downloaded.seconds - 30) <= 2, `the download decodes to ${downloaded.seconds} s`);

    assert.equal((await admin.delete(`/api/v1/recordings/${recording.id}`)).status, 204);
    assert.equal((await fetch(vodUrl)).status, 404);
    assert.equal((await admin.get(`/api/v1/recordings/${recording.id}`)).status, 404);
  });

  it('keeps a recording cut by a server restart as incomplete, playable up to the stop', async () => {
    const clip = await testClip({ seconds: 30 });
    const key = (await admin.post('/api/v1/stream-keys', { label: 'restart' })).body;
    const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`, ['-re', '-i', clip]);
    const live = await waitFor(
      'some recorded segments',
      async () => {
        const page = await admin.get(`/api/v1/recordings?streamKeyId=${key.id}`);
        const r = page.body.items[0];
        return r ? r : undefined;
      },
      15_000,
    );
    await new Promise((r) => setTimeout(r, 7000));
    const exit = await server.stop('SIGTERM');
    assert.equal(exit.code, 0, server.output.slice(-2000));
    await publisher.stop();
    server = await ServerProcess.start({
      dataDir: server.dataDir,
      env: { DATABASE_URL: db.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
    });
    admin = (await ApiClient.login(server.baseUrl, ADMIN.email, ADMIN.password)).client;
    const recording = (await admin.get(`/api/v1/recordings/${live.id}`)).body;
    assert.equal(recording.status, 'incomplete');
    const session = (await admin.get(`/api/v1/sessions/${live.id}`)).body;
    assert.equal(session.endReason, 'server_shutdown');
    const vod = await decode(`${server.baseUrl}/vod/${live.id}/index.m3u8`);
    assert.equal(vod.errors, '');
    assert.ok(vod.seconds >= 4, `playable up to the stop: ${vod.seconds} s`);
  });
});
