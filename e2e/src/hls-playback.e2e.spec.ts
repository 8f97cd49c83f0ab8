import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { artifactPath, launchChromium } from './support/browser.js';
import {
  decodeWithFfmpeg,
  FfmpegPublisher,
  queryRows,
  readMetric,
  seedPublisher,
  ServerProcess,
  sleep,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';
import { startPlayerPageServer } from '@rapidrtmp/test-support/browser';

interface PlayerReport {
  errors: Array<{ details: string; fatal: boolean }>;
  fatal: Array<{ details: string }>;
  waiting: Array<{ at: number; wall: number }>;
  levels: Array<{ videoCodec?: string; audioCodec?: string; width?: number; height?: number }>;
  started: number | null;
  latencies: number[];
}

async function text(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

describe('HLS and LL-HLS delivery to real players', { timeout: 240_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let browser: Browser;
  let page: Awaited<ReturnType<typeof startPlayerPageServer>>;

  before(async () => {
    db = await createTestDatabase('rr_hls');
    server = await ServerProcess.start({ env: { DATABASE_URL: db.url, HLS_REPUBLISH_GRACE_SECONDS: '10' } });
    browser = await launchChromium();
    page = await startPlayerPageServer();
  });

  after(async () => {
    await browser?.close();
    await page?.close();
    await server?.stop();
    await db?.drop();
  });

  it('plays 30 s of H.264 High (B-frames) + AAC in hls.js (LL-HLS, latency well under standard HLS) and ffmpeg decodes it without errors; ENDLIST follows the publisher', async () => {
    const clip = await testClip({ seconds: 30 });
    const seeded = await seedPublisher(db.url);
    const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${seeded.key}`, [
      '-re',
      '-i',
      clip,
    ]);
    const multivariantUrl = `${server.baseUrl}/live/${seeded.playbackId}/index.m3u8`;
    const multivariant = await waitFor(
      'the multivariant playlist',
      async () => {
        const r = await text(multivariantUrl);
        return r.status === 200 ? r.body : undefined;
      },
      15_000,
    );
    assert.match(multivariant, /CODECS="avc1\.64001e,mp4a\.40\.2"/);
    assert.match(multivariant, /RESOLUTION=640x360/);
    assert.ok(!multivariant.includes(seeded.key), 'the playlist never carries the stream key');

    // To the end of the live stream, every frame.
    const decoding = decodeWithFfmpeg(multivariantUrl, undefined, 90_000);
    const tab = await browser.newPage();
    const consoleErrors: string[] = [];
    tab.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    const deltaRequests: string[] = [];
    tab.on('request', (r) => r.url().includes('_HLS_skip=') && deltaRequests.push(r.url()));
    await tab.goto(`${page.url}?src=${encodeURIComponent(multivariantUrl)}`);
    await waitFor(
      'playback to start',
      () => tab.evaluate(() => ((window as any).report.started !== null ? true : undefined)),
      15_000,
    );
    const startTime = await tab.evaluate(() => (document.getElementById('v') as HTMLVideoElement).currentTime);
    await sleep(20_000);
    const state = await tab.evaluate(() => {
      const video = document.getElementById('v') as HTMLVideoElement & {
        webkitAudioDecodedByteCount?: number;
        webkitVideoDecodedByteCount?: number;
      };
      return {
        currentTime: video.currentTime,
        audioBytes: video.webkitAudioDecodedByteCount ?? 0,
        videoBytes: video.webkitVideoDecodedByteCount ?? 0,
        width: video.videoWidth,
        report: (window as any).report as PlayerReport,
        lowLatency: (window as any).hls.lowLatencyMode as boolean,
      };
    });
    await tab.screenshot({ path: artifactPath('hls-playback.png') });
    // The window now spans more than the skip boundary (CAN-SKIP-UNTIL=12): a delta update leaves out the
    // oldest segments, and hls.js asked for deltas and merged them while it played.
    const mediaUrl = `${server.baseUrl}/live/${seeded.playbackId}/${multivariant.trim().split('\n').pop()}`;
    const [full, delta] = await Promise.all([text(mediaUrl), text(`${mediaUrl}?_HLS_skip=YES`)]);
    assert.match(full.body, /CAN-SKIP-UNTIL=12/);
    assert.match(delta.body, /#EXT-X-SKIP:SKIPPED-SEGMENTS=[1-9]/);
    assert.ok(delta.body.length < full.body.length);
    assert.equal((await text(`${mediaUrl}?_HLS_skip=NO`)).status, 400);
    // A live stream's viewers are answered before Fastify (the fast lane), with the route's headers.
    const laneRoute = { route: '/live/:playbackId/:instance/media.m3u8' };
    const answeredFast = await readMetric(server.baseUrl, 'rapidrtmp_http_fast_lane_responses_total', laneRoute);
    assert.ok(answeredFast > 0, 'hls.js was answered by the fast lane');
    const fast = await fetch(mediaUrl, { signal: AbortSignal.timeout(10_000) });
    assert.equal(fast.status, 200);
    assert.match(await fast.text(), /^#EXTM3U/);
    for (const [name, value] of [
      ['access-control-allow-origin', '*'],
      ['content-type', 'application/vnd.apple.mpegurl'],
      ['cache-control', 'no-cache'],
      ['x-content-type-options', 'nosniff'],
      ['x-frame-options', 'DENY'],
    ] as const)
      assert.equal(fast.headers.get(name), value, name);
    assert.ok(deltaRequests.length > 0, 'hls.js requested delta updates');
    assert.deepEqual(state.report.fatal, [], 'no fatal hls.js error');
    // hls.js in low-latency mode starts a part or two from the live edge and may rebuffer once while the
    // first parts arrive on a loaded machine (a clean-clone CI run played 17.8 s in 20 s so); after that, no
    // stall. So: 20 s of wall clock minus that first rebuffer's allowance (3 s) and a second of slack.
    assert.ok(state.currentTime - startTime >= 16, `played ${(state.currentTime - startTime).toFixed(1)} s in 20 s`);
    assert.deepEqual(
      state.report.waiting.filter((w) => w.wall - state.report.started! > 3000),
      [],
      'no stall after the first seconds of playback',
    );
    assert.equal(state.width, 640);
    assert.ok(state.videoBytes > 0 && state.audioBytes > 0, 'both tracks decoded');
    assert.deepEqual(state.report.levels, [
      { videoCodec: 'avc1.64001e', audioCodec: 'mp4a.40.2', width: 640, height: 360 },
    ]);
    assert.equal(state.lowLatency, true);
    // A bound a loaded 2-core machine holds (standard HLS sits near 7 s here); the tight figure is bench work.
    const latency = state.report.latencies.slice(-10);
    assert.ok(
      latency.length > 0 && Math.max(...latency) < 6,
      `LL-HLS latency ${latency.map((l) => l.toFixed(2)).join(', ')} s`,
    );

    const published = await publisher.waitForExit(40_000);
    assert.equal(published.code, 0, published.stderr);
    const publisherEnded = Date.now();
    await waitFor(
      'EXT-X-ENDLIST',
      async () => ((await text(mediaUrl)).body.includes('#EXT-X-ENDLIST') ? true : undefined),
      5000,
      50,
    );
    assert.ok(Date.now() - publisherEnded <= 2000, `ENDLIST after ${Date.now() - publisherEnded} ms`);

    const decoded = await decoding;
    assert.equal(decoded.code, 0, decoded.stderr);
    assert.equal(decoded.stderr.trim(), '', 'ffmpeg reports no decode error');
    assert.deepEqual(consoleErrors, []);
    await tab.close();

    // Every segment was also handed to storage (write-behind), under the session's recording prefix.
    const [session] = await queryRows<{ id: string }>(
      db.url,
      'SELECT id FROM stream_sessions WHERE stream_key_id = $1',
      [seeded.streamKeyId],
    );
    const stored = join(server.dataDir, 'media', 'recordings', session!.id);
    const files = await waitFor(
      'the stored segments',
      () => {
        const names = existsSync(stored) ? readdirSync(stored) : [];
        return names.includes('init-0.mp4') && names.filter((n) => n.endsWith('.m4s')).length >= 14 ? names : undefined;
      },
      10_000,
    );
    const segments = files
      .filter((n) => n.endsWith('.m4s'))
      .sort((a, b) => Number(a.slice(4, -4)) - Number(b.slice(4, -4)));
    const joinedPath = join(server.dataDir, 'stored.mp4');
    writeFileSync(joinedPath, Buffer.concat(['init-0.mp4', ...segments].map((n) => readFileSync(join(stored, n)))));
    const probe = spawnSync('ffprobe', [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_packets',
      '-show_entries',
      'stream=nb_read_packets',
      '-of',
      'csv=p=0',
      joinedPath,
    ]);
    assert.equal(probe.stderr.toString().trim(), '');
    assert.equal(Number(probe.stdout.toString()), 900, 'all 30 s of video frames are stored');
  });

  it('continues the same playlist after a discontinuity when the publisher drops and comes back within the grace period', async () => {
    const clip = await testClip({ seconds: 30 });
    const seeded = await seedPublisher(db.url);
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/${seeded.key}`;
    const first = FfmpegPublisher.start(url, ['-re', '-i', clip]);
    const multivariantUrl = `${server.baseUrl}/live/${seeded.playbackId}/index.m3u8`;
    const multivariant = await waitFor(
      'the playlist',
      async () => {
        const r = await text(multivariantUrl);
        return r.status === 200 ? r.body : undefined;
      },
      15_000,
    );
    const mediaUrl = `${server.baseUrl}/live/${seeded.playbackId}/${multivariant.trim().split('\n').pop()}`;
    const tab = await browser.newPage();
    await tab.goto(`${page.url}?src=${encodeURIComponent(multivariantUrl)}`);
    await waitFor(
      'playback to start',
      () => tab.evaluate(() => ((window as any).report.started !== null ? true : undefined)),
      15_000,
    );
    await sleep(4000);

    first.child.kill('SIGKILL'); // the connection drops: no FCUnpublish
    await first.exited;
    await sleep(1500);
    const during = await text(mediaUrl);
    assert.equal(during.status, 200);
    assert.ok(!during.body.includes('#EXT-X-ENDLIST'), 'a dropped publisher does not end the playlist');

    const second = FfmpegPublisher.start(url, ['-re', '-i', clip]);
    const resumed = await waitFor(
      'the playlist to continue after a discontinuity',
      async () => {
        const r = await text(mediaUrl);
        return r.status === 200 &&
          /#EXT-X-DISCONTINUITY\n(#EXT-X-PROGRAM-DATE-TIME:.*\n)?(#EXT-X-PART:.*\n)*#EXTINF/.test(r.body)
          ? r.body
          : undefined;
      },
      20_000,
    );
    assert.match(resumed, /#EXT-X-MAP:URI="init-\d+\.mp4"/);
    const before = await tab.evaluate(() => (document.getElementById('v') as HTMLVideoElement).currentTime);
    await sleep(6000);
    const after = await tab.evaluate(() => ({
      currentTime: (document.getElementById('v') as HTMLVideoElement).currentTime,
      fatal: (window as any).report.fatal as unknown[],
    }));
    assert.deepEqual(after.fatal, [], 'hls.js survives the republish');
    assert.ok(after.currentTime - before >= 4, `kept playing: ${(after.currentTime - before).toFixed(1)} s in 6 s`);
    await tab.screenshot({ path: artifactPath('hls-republish.png') });
    await second.stop();
    await tab.close();
  });
});
