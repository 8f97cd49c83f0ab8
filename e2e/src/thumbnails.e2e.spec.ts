import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { ADMIN, startAdminServer, type AdminServer } from './support/admin-server.js';
import { ApiClient } from './support/api-client.js';
import {
  FfmpegPublisher,
  freePort,
  metricValue,
  queryRows,
  readMetric,
  scrapeMetrics,
  seedPublisher,
  ServerProcess,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';

const MAX_DECODERS = 2;

interface Picture {
  status: number;
  body: Buffer;
  headers: Headers;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<Picture> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

/** A JPEG starts with SOI (FF D8) and ends with EOI (FF D9). */
function assertJpeg(picture: Picture): void {
  assert.equal(picture.status, 200, picture.body.toString('utf8', 0, 200));
  assert.equal(picture.headers.get('content-type'), 'image/jpeg');
  assert.deepEqual([...picture.body.subarray(0, 2)], [0xff, 0xd8], 'SOI');
  assert.deepEqual([...picture.body.subarray(-2)], [0xff, 0xd9], 'EOI');
}

/** What ffprobe reads in the image (fed on stdin): `codec WIDTHxHEIGHT`. */
function probe(image: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'csv=p=0', '-i', 'pipe:0'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', () => {
      const [codec, width, height] = out.trim().split(',');
      resolve(`${codec} ${width}x${height}`);
    });
    child.stdin.end(image);
  });
}

describe('thumbnails of live streams and recordings, decoded by bounded ffmpeg processes', { timeout: 240_000 }, () => {
  let api: AdminServer;
  const publishers: FfmpegPublisher[] = [];
  const url = (path: string) => `${api.server.baseUrl}${path}`;
  const decodes = async () => metricValue(await scrapeMetrics(api.server.baseUrl), 'rapidrtmp_thumbnail_decodes_total');

  const goLive = async (label: string, options: { signedPlayback?: boolean; seconds?: number } = {}) => {
    const clip = await testClip({ seconds: options.seconds ?? 30 });
    const key = (await api.admin.post('/api/v1/stream-keys', { label, signedPlayback: options.signedPlayback })).body;
    const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${api.server.rtmpPort}/live/${key.key}`, [
      '-re',
      '-i',
      clip,
    ]);
    publishers.push(publisher);
    return { key, publisher };
  };

  before(async () => {
    api = await startAdminServer('rr_thumbnails', { THUMBNAIL_MAX_DECODERS: String(MAX_DECODERS) });
  });

  after(async () => {
    await Promise.all(publishers.map((p) => p.stop()));
    await api?.stop();
  });

  let playbackId: string;

  it('serves the latest keyframe as a JPEG of the stream’s size or the asked width, with an ETag that changes with the next keyframe', async () => {
    const { key } = await goLive('thumbnail');
    playbackId = key.playbackId;
    const live = (query = '') => get(url(`/live/${playbackId}/thumbnail.jpg${query}`));
    const first = await waitFor(
      'the first thumbnail',
      async () => {
        const picture = await live();
        return picture.status === 200 ? picture : undefined;
      },
      15_000,
      250,
    );
    assertJpeg(first);
    assert.equal(await probe(first.body), 'mjpeg 640x360', 'the stream’s resolution');
    assert.equal(first.headers.get('cache-control'), 'public, max-age=2');
    assert.equal(first.headers.get('access-control-allow-origin'), '*');
    const etag = first.headers.get('etag');
    assert.match(etag ?? '', /^"[\w-]{22}"$/);

    const small = await live('?width=320');
    assertJpeg(small);
    assert.equal(await probe(small.body), 'mjpeg 320x180');
    assert.equal((await live('?width=wide')).status, 400);
    const webp = await get(url(`/live/${playbackId}/thumbnail.webp?width=320`));
    assert.equal(webp.headers.get('content-type'), 'image/webp');
    assert.equal(await probe(webp.body), 'webp 320x180');

    // Revalidation answers 304 while the keyframe is the same; the 2 s GOP brings a new one soon.
    const revalidated = await get(url(`/live/${playbackId}/thumbnail.jpg`), { 'if-none-match': etag! });
    if (revalidated.status === 304) assert.equal(revalidated.body.length, 0);
    else assert.notEqual(revalidated.headers.get('etag'), etag, 'a 200 only for a newer keyframe');
    const next = await waitFor(
      'a thumbnail of the next keyframe',
      async () => {
        const picture = await live();
        return picture.status === 200 && picture.headers.get('etag') !== etag ? picture : undefined;
      },
      10_000,
      250,
    );
    assertJpeg(next);
    assert.ok(!next.body.equals(first.body), 'the picture changed with the keyframe');

    assert.equal((await get(url('/live/nosuchstream/thumbnail.jpg'))).status, 404);
    assert.equal((await get(url('/live/index.m3u8/thumbnail.jpg'))).status, 404);
  });

  it('answers 100 concurrent requests for one stream with one decode, and never runs more than THUMBNAIL_MAX_DECODERS', async (t) => {
    const before = await decodes();
    // A width no one asked for yet: nothing cached, so the burst has to decode.
    const burst = await Promise.all(
      Array.from({ length: 100 }, () => get(url(`/live/${playbackId}/thumbnail.jpg?width=480`))),
    );
    const ok = burst.filter((p) => p.status === 200);
    const busy = burst.filter((p) => p.status === 503);
    assert.equal(ok.length + busy.length, 100, `statuses ${[...new Set(burst.map((p) => p.status))].join(', ')}`);
    assert.ok(busy.every((p) => p.headers.get('retry-after') === '1'));
    assert.ok(ok.length >= 96, `${busy.length} of 100 were turned away`);
    for (const picture of ok.slice(0, 3)) assertJpeg(picture);
    const started = (await decodes()) - before;
    // One decode per keyframe: a second one only if a new keyframe arrived during the burst.
    assert.ok(started >= 1 && started <= 2, `${started} decodes for 100 requests`);

    // 100 requests over 50 different pictures (2 each, as for 50 streams): decodes are shared per picture,
    // queued behind the decoders, and the queue's overflow is answered 503 with Retry-After.
    const spread = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        get(url(`/live/${playbackId}/thumbnail.jpg?width=${100 + 2 * Math.floor(i / 2)}`)),
      ),
    );
    const statuses = new Set(spread.map((p) => p.status));
    assert.ok(
      [...statuses].every((s) => s === 200 || s === 503),
      `statuses ${[...statuses].join(', ')}`,
    );
    const samples = await scrapeMetrics(api.server.baseUrl);
    const total = metricValue(samples, 'rapidrtmp_thumbnail_decodes_total') - before;
    assert.ok(total <= 2 + 50 + 2, `${total} decodes for 50 pictures`);
    const peak = metricValue(samples, 'rapidrtmp_thumbnail_decoders_peak');
    assert.ok(peak >= 1 && peak <= MAX_DECODERS, `peak of ${peak} decoders at once`);
    assert.ok(metricValue(samples, 'rapidrtmp_thumbnail_decodes_shared_total') >= 99, 'the burst shared one decode');
    assert.equal(metricValue(samples, 'rapidrtmp_thumbnail_decoders_running'), 0);
    assert.equal(metricValue(samples, 'rapidrtmp_thumbnail_queue_length'), 0);
    const spreadBusy = spread.filter((p) => p.status === 503).length;
    t.diagnostic(
      `one picture: ${started} decode(s) for 100 requests, ${busy.length} answered 503; ` +
        `50 pictures: ${total - started} decodes, ${spreadBusy} answered 503, peak ${peak} decoders at once`,
    );

    // Asked again within the keyframe: from memory.
    const hitsBefore = metricValue(samples, 'rapidrtmp_thumbnail_cache_total', { outcome: 'hit' });
    const again = await get(url(`/live/${playbackId}/thumbnail.jpg?width=480`));
    if (again.headers.get('etag') === ok[0]!.headers.get('etag')) {
      assert.ok(again.body.equals(ok[0]!.body));
      const hits = await scrapeMetrics(api.server.baseUrl);
      assert.equal(metricValue(hits, 'rapidrtmp_thumbnail_cache_total', { outcome: 'hit' }), hitsBefore + 1);
    }
  });

  it('wants a playback token for a key with signed playback (403 without, the picture with one)', async () => {
    const { key } = await goLive('signed thumbnail', { signedPlayback: true, seconds: 10 });
    const path = `/live/${key.playbackId}/thumbnail.jpg`;
    const refused = await waitFor(
      'the signed stream to be live',
      async () => {
        const picture = await get(url(path));
        return picture.status !== 404 ? picture : undefined;
      },
      15_000,
      250,
    );
    assert.equal(refused.status, 403);
    assert.equal((await get(url(`${path}?token=forged`))).status, 403);
    const { token } = (await api.admin.post(`/api/v1/stream-keys/${key.id}/playback-token`, {})).body;
    const signed = await waitFor(
      'a signed thumbnail',
      async () => {
        const picture = await get(url(`${path}?token=${encodeURIComponent(token)}`));
        return picture.status === 200 ? picture : undefined;
      },
      10_000,
      250,
    );
    assertJpeg(signed);
    assert.equal(signed.headers.get('cache-control'), 'private, max-age=2', 'kept out of shared caches');
  });

  it('serves a finished recording’s frame at a time offset as a JPEG', async () => {
    const { key, publisher } = await goLive('recorded thumbnail', { seconds: 8 });
    assert.equal((await publisher.waitForExit(30_000)).code, 0);
    const recording = await waitFor(
      'the recording to be complete',
      async () => {
        const page = (await api.admin.get(`/api/v1/recordings?streamKeyId=${key.id}`)).body;
        const found = page.items?.[0];
        return found && found.status !== 'recording' ? found : undefined;
      },
      20_000,
    );
    assert.equal(recording.status, 'complete');
    const vod = (query: string) => get(url(`/vod/${recording.id}/thumbnail.jpg${query}`));
    const atOne = await vod('?time=1');
    assertJpeg(atOne);
    assert.equal(await probe(atOne.body), 'mjpeg 640x360');
    assert.match(atOne.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
    const later = await vod('?time=5.5&width=320');
    assertJpeg(later);
    assert.equal(await probe(later.body), 'mjpeg 320x180');
    assert.ok(!later.body.equals(atOne.body));
    const etag = atOne.headers.get('etag')!;
    assert.equal((await get(url(`/vod/${recording.id}/thumbnail.jpg?time=1`), { 'if-none-match': etag })).status, 304);
    assert.equal((await vod('?time=600')).status, 404, 'past the end');
    assert.equal((await vod('?time=soon')).status, 400);
    assert.equal((await get(url('/vod/00000000-0000-4000-8000-000000000000/thumbnail.jpg'))).status, 404);
  });
});

describe(
  'thumbnails across nodes: any node serves the picture of a stream another node holds',
  { timeout: 180_000 },
  () => {
    let db: TestDatabase;
    const nodes: ServerProcess[] = [];

    before(async () => {
      db = await createTestDatabase('rr_thumbnails_nodes');
      for (const name of ['a', 'b']) {
        const [httpPort, rtmpPort] = [await freePort(), await freePort()];
        const node = ServerProcess.spawn(
          {
            env: {
              DATABASE_URL: db.url,
              NODE_ID: `thumbnails-${name}`,
              NODE_URL: `http://127.0.0.1:${httpPort}`,
              CLUSTER_SECRET: 'the thumbnails e2e cluster secret, 32+ characters',
              SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 0x7a).toString('base64'),
              PLAYBACK_SIGNING_SECRET: 'one playback signing secret for both nodes',
              ADMIN_EMAIL: ADMIN.email,
              ADMIN_PASSWORD: ADMIN.password,
            },
          },
          httpPort,
          rtmpPort,
        );
        nodes.push(node);
        await node.waitForReady(30_000);
      }
    });

    after(async () => {
      for (const node of nodes) await node.stop();
      await db?.drop();
    });

    it('B fetches the picture from A (which decodes), checks the viewer’s token itself, and answers revalidations', async () => {
      const [a, b] = nodes as [ServerProcess, ServerProcess];
      const seeded = await seedPublisher(db.url);
      await queryRows(db.url, 'UPDATE stream_keys SET signed_playback = true WHERE id = $1', [seeded.streamKeyId]);
      const publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${a.rtmpPort}/live/${seeded.key}`, [
        '-re',
        '-i',
        await testClip({ seconds: 30 }),
      ]);
      try {
        const throughB = (query = '', headers: Record<string, string> = {}) =>
          get(`${b.baseUrl}/live/${seeded.playbackId}/thumbnail.jpg${query}`, headers);
        const refused = await waitFor(
          'the stream to be held by A',
          async () => {
            const picture = await throughB();
            return picture.status !== 404 ? picture : undefined;
          },
          20_000,
          250,
        );
        assert.equal(refused.status, 403, 'no token, no picture through B');
        const { client: admin } = await ApiClient.login(b.baseUrl, ADMIN.email, ADMIN.password);
        const { token } = (await admin.post(`/api/v1/stream-keys/${seeded.streamKeyId}/playback-token`, {})).body;
        const query = `?width=320&token=${encodeURIComponent(token)}`;
        const picture = await waitFor(
          'the picture through B',
          async () => {
            const answer = await throughB(query);
            return answer.status === 200 ? answer : undefined;
          },
          15_000,
          250,
        );
        assertJpeg(picture);
        assert.equal(await probe(picture.body), 'mjpeg 320x180');
        assert.equal(picture.headers.get('cache-control'), 'private, max-age=2');
        const etag = picture.headers.get('etag')!;
        const again = await throughB(query, { 'if-none-match': etag });
        assert.ok(again.status === 304 || again.headers.get('etag') !== etag, 'a 200 only for a newer keyframe');
        assert.equal(await readMetric(b.baseUrl, 'rapidrtmp_thumbnail_decodes_total'), 0, 'B decodes nothing');
        assert.ok((await readMetric(a.baseUrl, 'rapidrtmp_thumbnail_decodes_total', { result: 'ok' })) >= 1);
      } finally {
        await publisher.stop();
      }
    });
  },
);
