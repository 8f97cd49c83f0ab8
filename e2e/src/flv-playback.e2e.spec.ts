import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { encodeAmf0 } from '@rapidrtmp/amf';
import {
  FfmpegPublisher,
  type MetricSample,
  metricValue,
  scrapeMetrics,
  seedPublisher,
  sleep,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';
import { startAdminServer, type AdminServer } from './support/admin-server.js';
import { chunkType0, RawRtmpClient, setChunkSize } from './support/raw-rtmp-client.js';

/** `ffmpeg -v error -i <url> -t <seconds> -f null -`: decodes and reports only errors. */
function decode(url: string, seconds: number): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('ffmpeg', ['-nostdin', '-v', 'error', '-i', url, '-t', String(seconds), '-f', 'null', '-'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

interface FlvStart {
  status: number;
  contentType: string | undefined;
  /** Tags up to and including the first coded video frame: [type, first body byte, second body byte, timestamp]. */
  tags: Array<[number, number, number, number]>;
  firstByteMs: number;
  firstKeyframeMs: number;
}

/** Reads an HTTP-FLV response with node:http up to its first coded video frame, timing it from the request. */
function readFlvStart(url: string, timeoutMs = 15_000): Promise<FlvStart> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      let buffered = Buffer.alloc(0);
      let at = 13; // FLV header (9) + PreviousTagSize0 (4)
      let firstByteMs = -1;
      const tags: FlvStart['tags'] = [];
      if (res.statusCode !== 200) {
        res.resume();
        return resolve({ status: res.statusCode ?? 0, contentType: undefined, tags, firstByteMs, firstKeyframeMs: -1 });
      }
      res.on('data', (chunk: Buffer) => {
        if (firstByteMs < 0) firstByteMs = performance.now() - started;
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= at + 11) {
          const size = buffered.readUIntBE(at + 1, 3);
          if (buffered.length < at + 11 + size + 4) break;
          const type = buffered[at]!;
          const timestamp = buffered.readUIntBE(at + 4, 3) + buffered[at + 7]! * 0x1000000;
          const body = buffered.subarray(at + 11, at + 11 + size);
          tags.push([type, body[0] ?? -1, body[1] ?? -1, timestamp]);
          at += 11 + size + 4;
          if (type === 9 && body[1] === 1) {
            req.destroy();
            return resolve({
              status: 200,
              contentType: res.headers['content-type'],
              tags,
              firstByteMs,
              firstKeyframeMs: performance.now() - started,
            });
          }
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no video frame from ${url} in ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

async function status(url: string, method = 'GET'): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(url, { method, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: method === 'HEAD' ? '' : await response.text(), headers: response.headers };
}

/** A raw RTMP player (handshake, connect, createStream, play) that can stop reading at will. */
async function rawPlayer(port: number, name: string): Promise<RawRtmpClient> {
  const client = await RawRtmpClient.open(port);
  await client.handshake();
  client.write(
    Buffer.concat([
      setChunkSize(4096),
      chunkType0(3, 20, 0, encodeAmf0('connect', 1, { app: 'live', tcUrl: `rtmp://127.0.0.1:${port}/live` })),
      chunkType0(3, 20, 0, encodeAmf0('createStream', 2, null)),
      chunkType0(8, 20, 1, encodeAmf0('play', 0, null, name, -2000)),
    ]),
  );
  return client;
}

describe('RTMP play and HTTP-FLV', { timeout: 240_000 }, () => {
  let env: AdminServer;
  let clip: string;
  const publishers: FfmpegPublisher[] = [];
  const players: RawRtmpClient[] = [];
  const closers: Array<() => void> = [];

  before(async () => {
    env = await startAdminServer('rr_flv', {
      PLAYBACK_STALL_TIMEOUT_MS: '5000',
      PLAYBACK_MAX_QUEUE_BYTES: '262144',
      RTMP_MAX_CONNECTIONS_PER_IP: '100',
    });
    clip = await testClip({ seconds: 30 });
  });

  after(async () => {
    for (const player of players) player.destroy();
    for (const close of closers) close();
    await Promise.all(publishers.map((p) => p.stop()));
    await env?.stop();
  });

  /** Publishes the clip in a loop at real time and waits until the stream can be played. */
  async function goLive(key: string, playbackId: string, token = ''): Promise<FfmpegPublisher> {
    const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${env.server.rtmpPort}/live/${key}`, [
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      clip,
    ]);
    publishers.push(publisher);
    const url = `${env.server.baseUrl}/live/${playbackId}.flv${token}`;
    await waitFor(
      'the stream to go live',
      async () => ((await status(url, 'HEAD')).status === 200 ? true : undefined),
      20_000,
    );
    return publisher;
  }

  it('ffmpeg decodes 10 s of rtmp://…/live/<playbackId> and /live/<playbackId>.flv with no error; HTTP-FLV starts on a keyframe after the headers', async () => {
    const seeded = await seedPublisher(env.db.url);
    await goLive(seeded.key, seeded.playbackId);
    const flvUrl = `${env.server.baseUrl}/live/${seeded.playbackId}.flv`;
    const rtmpUrl = `rtmp://127.0.0.1:${env.server.rtmpPort}/live/${seeded.playbackId}`;

    const head = await status(flvUrl, 'HEAD');
    assert.equal(head.headers.get('content-type'), 'video/x-flv');
    assert.equal(head.headers.get('access-control-allow-origin'), '*');
    assert.equal(head.headers.get('content-length'), null, 'an endless stream has no length');

    const start = await readFlvStart(flvUrl);
    assert.equal(start.status, 200);
    assert.equal(start.contentType, 'video/x-flv');
    const kinds = start.tags.map(([type, b0, b1]) =>
      type === 18 ? 'meta' : type === 9 ? `v${b1}${b0 >> 4 === 1 ? 'K' : ''}` : `a${b1}`,
    );
    // onMetaData, the AVC and AAC sequence headers, then the first frame: a keyframe.
    assert.deepEqual(kinds.slice(0, 3), ['meta', 'v0K', 'a0']);
    assert.equal(kinds.filter((k) => k.startsWith('v')).slice(1)[0], 'v1K', kinds.join(' '));
    const keyframeAt = start.tags.at(-1)![3];
    assert.ok(
      start.tags.every(([, , , t]) => t === keyframeAt),
      'headers go out at the keyframe time (the stream’s own clock)',
    );
    // A player starts at the latest keyframe at once (PLAYBACK_GOP_CACHE=always, the default; with on-demand
    // the first player of a stream nobody watched this way waits for the next keyframe, 2 s at most here).
    assert.ok(start.firstKeyframeMs < 5000, `first keyframe after ${start.firstKeyframeMs.toFixed(0)} ms`);
    const next = await readFlvStart(flvUrl);
    console.log(
      `HTTP-FLV first keyframe tag after the request: first player ${start.firstKeyframeMs.toFixed(0)} ms, next ${next.firstKeyframeMs.toFixed(0)} ms (first byte ${next.firstByteMs.toFixed(0)} ms)`,
    );
    assert.equal(next.tags.at(-1)![1] >> 4, 1, 'the next player starts on a keyframe too');
    assert.ok(
      next.firstKeyframeMs < 1500,
      `the next player's first keyframe after ${next.firstKeyframeMs.toFixed(0)} ms`,
    );

    const [rtmp, flv] = await Promise.all([decode(rtmpUrl, 10), decode(flvUrl, 10)]);
    console.log(`ffmpeg decoded 10 s: RTMP in ${rtmp.ms} ms, HTTP-FLV in ${flv.ms} ms`);
    assert.equal(rtmp.code, 0, rtmp.stderr);
    assert.equal(rtmp.stderr.trim(), '', 'RTMP play decodes without an error');
    assert.equal(flv.code, 0, flv.stderr);
    assert.equal(flv.stderr.trim(), '', 'HTTP-FLV decodes without an error');

    const samples = await scrapeMetrics(env.server.baseUrl);
    assert.ok(metricValue(samples, 'rapidrtmp_playback_bytes_out_total', { protocol: 'rtmp' }) > 500_000);
    assert.ok(metricValue(samples, 'rapidrtmp_playback_bytes_out_total', { protocol: 'http_flv' }) > 500_000);
  });

  it('names streams by playback id only (a stream key is 404 / StreamNotFound) and applies signed playback', async () => {
    const created = await env.admin.post('/api/v1/stream-keys', { label: 'signed flv', signedPlayback: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { id, key, playbackId } = created.body as { id: string; key: string; playbackId: string };
    const token = (await env.admin.post(`/api/v1/stream-keys/${id}/playback-token`, { ttlSeconds: 300 })).body
      .token as string;
    const query = `?token=${encodeURIComponent(token)}`;
    await goLive(key, playbackId, query);

    const base = `${env.server.baseUrl}/live`;
    const refusals = await Promise.all([
      status(`${base}/${playbackId}.flv`),
      status(`${base}/${playbackId}.flv?token=1.forged`),
      status(`${base}/${key}.flv`),
      status(`${base}/${key}.flv${query}`),
      status(`${base}/nosuchstream.flv`),
    ]);
    assert.deepEqual(
      refusals.map((r) => r.status),
      [403, 403, 404, 404, 404],
    );
    assert.ok(refusals.every((r) => !r.body.includes(key)));
    const signed = await readFlvStart(`${base}/${playbackId}.flv${query}`);
    assert.equal(signed.status, 200);

    const rtmp = `rtmp://127.0.0.1:${env.server.rtmpPort}/live`;
    const [noToken, byKey, withToken] = await Promise.all([
      decode(`${rtmp}/${playbackId}`, 2),
      decode(`${rtmp}/${key}`, 2),
      decode(`${rtmp}/${playbackId}${query}`, 2),
    ]);
    assert.notEqual(noToken.code, 0);
    assert.match(noToken.stderr, /NetStream\.Play\.Failed|playback token/);
    assert.notEqual(byKey.code, 0);
    assert.match(byKey.stderr, /NetStream\.Play\.StreamNotFound|No live stream/);
    assert.equal(withToken.code, 0, withToken.stderr);
    assert.equal(withToken.stderr.trim(), '');
  });

  it('20 RTMP and 5 HTTP-FLV players that stop reading stall neither the publisher nor HLS; memory stays bounded and they are cut off', async () => {
    const seeded = await seedPublisher(env.db.url);
    const publisher = await goLive(seeded.key, seeded.playbackId);
    const base = env.server.baseUrl;
    const rssAtStart = metricValue(await scrapeMetrics(base), 'process_resident_memory_bytes');
    const before = await scrapeMetrics(base);
    const stalled = (samples: MetricSample[], protocol: string) =>
      metricValue(samples, 'rapidrtmp_playback_players_ended_total', { protocol, reason: 'stalled' });
    const stalledBefore = { rtmp: stalled(before, 'rtmp'), http: stalled(before, 'http_flv') };

    for (let i = 0; i < 20; i++) players.push(await rawPlayer(env.server.rtmpPort, seeded.playbackId));
    // And a few HTTP-FLV players that read the response head, then nothing.
    const httpPlayers = Array.from({ length: 5 }, () =>
      request(`${base}/live/${seeded.playbackId}.flv`, (res) => res.pause()).on('error', () => undefined),
    );
    for (const req of httpPlayers) req.end();
    closers.push(() => httpPlayers.forEach((req) => req.destroy()));
    // Each gets its start (statuses, headers, the keyframe window), then stops reading.
    await waitFor(
      'media to every player',
      () => (players.every((p) => p.received > 20_000) ? true : undefined),
      15_000,
    );
    for (const player of players) player.socket.pause();

    const multivariant = await waitFor(
      'the multivariant playlist',
      async () => {
        const r = await status(`${base}/live/${seeded.playbackId}/index.m3u8`);
        return r.status === 200 ? r.body : undefined;
      },
      15_000,
    );
    const mediaUrl = `${base}/live/${seeded.playbackId}/${multivariant.trim().split('\n').pop()}`;
    const lastSegment = (playlist: string) =>
      Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? -1) +
      playlist.split('\n').filter((line) => line.startsWith('#EXTINF')).length;
    let last = lastSegment((await status(mediaUrl)).body);
    let lastChange = Date.now();
    let longestGap = 0;
    let rssPeak = 0;
    const watchUntil = Date.now() + 15_000;
    while (Date.now() < watchUntil) {
      await sleep(250);
      const now = lastSegment((await status(mediaUrl)).body);
      if (now > last) {
        longestGap = Math.max(longestGap, Date.now() - lastChange);
        last = now;
        lastChange = Date.now();
      }
      if (Date.now() % 4 < 2)
        rssPeak = Math.max(rssPeak, metricValue(await scrapeMetrics(base), 'process_resident_memory_bytes'));
      assert.equal(publisher.child.exitCode, null, `the publisher is still connected: ${publisher.log}`);
    }
    longestGap = Math.max(longestGap, Date.now() - lastChange);
    rssPeak = Math.max(rssPeak, metricValue(await scrapeMetrics(base), 'process_resident_memory_bytes'));
    console.log(
      `with 20 stuck RTMP and 5 HTTP-FLV players: longest gap between HLS segments ${longestGap} ms, RSS ${(rssAtStart / 2 ** 20).toFixed(0)} -> peak ${(rssPeak / 2 ** 20).toFixed(0)} MB`,
    );
    // 2 s segments: a new one at least every 4.5 s on a loaded machine.
    assert.ok(longestGap < 4500, `HLS stalled for ${longestGap} ms`);
    assert.ok(rssPeak < rssAtStart + 200 * 2 ** 20, `RSS grew from ${rssAtStart} to ${rssPeak}`);

    // A player that takes nothing for PLAYBACK_STALL_TIMEOUT_MS (5 s here) is disconnected, once its socket filled.
    const ended = await waitFor(
      'the stuck players to be disconnected',
      async () => {
        const samples = await scrapeMetrics(base);
        const rtmp = stalled(samples, 'rtmp') - stalledBefore.rtmp;
        const http = stalled(samples, 'http_flv') - stalledBefore.http;
        return rtmp >= 20 && http >= 5 ? samples : undefined;
      },
      60_000,
      500,
    );
    assert.ok(
      metricValue(ended, 'rapidrtmp_playback_dropped_packets_total', { protocol: 'rtmp' }) > 0,
      'packets were dropped',
    );
    // Reading again, each finds its connection closed by the server.
    for (const player of players) player.socket.resume();
    await waitFor('the sockets closed', () => (players.every((p) => p.closed) ? true : undefined), 10_000);
    assert.equal(publisher.child.exitCode, null, 'the publisher is still live');
    assert.equal((await status(`${base}/live/${seeded.playbackId}.flv`, 'HEAD')).status, 200);
  });
});
