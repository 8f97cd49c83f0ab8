import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import {
  FfmpegPublisher,
  metricValue,
  scrapeMetrics,
  type SeededKey,
  seedPublisher,
  ServerProcess,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';
import { type Answer, getFrom } from './support/http-from.js';
import { fetchLiveEdge, fetchMultivariant, fetchResource, mediaPlaylistUrl } from './support/hls-live.js';
import { RawRtmpClient, seededBytes } from './support/raw-rtmp-client.js';

/*
 * Issue 16: one address flooding the server must not lock out a real publisher behind the same NAT, nor
 * starve other viewers. One server with the default limits and the default 10 s handshake timeout, one
 * real ffmpeg publisher from the flooding address, plain HTTP clients from 127.0.0.1 and 127.0.0.2
 * (both loopback: every byte goes to 127.0.0.1, the server sees two client addresses).
 */

const FLOOD_SOCKETS = 500;
/** RTMP_MAX_CONNECTIONS_PER_IP's default (config-schema.ts). The server runs with it; the shed count proves it. */
const RTMP_PER_IP_CAP = 50;
/** From starting ffmpeg to the server counting it live, with the flood holding every slot of its address. */
const LIVE_WITHIN_MS = 3000;
/** HLS_MAX_BLOCKING_REQUESTS_PER_IP as this test sets it (the default, 1000, leaves room for a NAT of viewers). */
const HELD_PER_IP = 64;
const BLOCKING_FLOOD = 200;
const FLOODER = '127.0.0.1';
const OTHER_VIEWER = '127.0.0.2';

describe('flood fairness (issue 16)', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let seeded: SeededKey;
  let publisher: FfmpegPublisher | undefined;
  let clip: string;

  const scrape = () => scrapeMetrics(server.baseUrl);
  const metric = async (name: string, labels: Record<string, string> = {}) => metricValue(await scrape(), name, labels);
  const shedAtAddress = () => metric('rapidrtmp_rtmp_connections_shed_total', { limit: 'max_connections_per_ip' });

  /** Opens `count` sockets at once; half send C0 and part of C1, the rest nothing. Resolves once all are connected. */
  async function openHalfOpen(count: number): Promise<RawRtmpClient[]> {
    const clients = await Promise.all(Array.from({ length: count }, () => RawRtmpClient.open(server.rtmpPort)));
    clients.forEach((client, i) => {
      if (i % 2 === 0) client.write(Buffer.concat([Buffer.from([3]), seededBytes(700, i)]));
    });
    return clients;
  }

  before(async () => {
    db = await createTestDatabase('rr_flood');
    // 1 s keyframes; 4 s segments leave seconds between "segment n+1 exists" and "segment n+2 exists",
    // which the HLS case needs to tell held requests from ones answered at once on a busy machine.
    clip = await testClip({ seconds: 10, width: 640, height: 360, fps: 30, gop: 30 });
    server = await ServerProcess.start({
      env: {
        DATABASE_URL: db.url,
        HLS_SEGMENT_SECONDS: '4',
        LOG_LEVEL: 'warn',
        HLS_MAX_BLOCKING_REQUESTS_PER_IP: String(HELD_PER_IP),
      },
    });
    seeded = await seedPublisher(db.url);
  });

  after(async () => {
    await publisher?.stop();
    await server?.stop();
    await db?.drop();
  });

  it(`a real publisher goes live within ${LIVE_WITHIN_MS} ms while ${FLOOD_SOCKETS} half-open sockets from its address are held`, async () => {
    const clients: RawRtmpClient[] = [];
    try {
      const acceptedBefore = await metric('rapidrtmp_rtmp_connections_total');
      const openedAt = performance.now();
      clients.push(...(await openHalfOpen(FLOOD_SOCKETS)));
      // Every socket is established and the server has dealt with each before ffmpeg starts.
      await waitFor(
        `the server to accept all ${FLOOD_SOCKETS} sockets`,
        async () => (await metric('rapidrtmp_rtmp_connections_total')) - acceptedBefore >= FLOOD_SOCKETS,
        20_000,
        50,
      );
      const flooded = performance.now() - openedAt;
      // The default per-IP cap is below 500: the oldest were shed as newer ones came, never refused.
      assert.equal(await shedAtAddress(), FLOOD_SOCKETS - RTMP_PER_IP_CAP);
      assert.equal(await metric('rapidrtmp_rtmp_rejected_total', { reason: 'max_connections_per_ip' }), 0);
      await waitFor(
        'the shed sockets to be closed',
        () => clients.filter((c) => c.closed).length === FLOOD_SOCKETS - RTMP_PER_IP_CAP,
        10_000,
        50,
      );
      assert.equal(await metric('rapidrtmp_rtmp_connections'), RTMP_PER_IP_CAP, 'the address is at its cap');

      const startedAt = performance.now();
      publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${seeded.key}`, [
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        clip,
      ]);
      await waitFor(
        () => `the publisher to go live (ffmpeg: ${publisher?.log})`,
        async () => (await metric('rapidrtmp_rtmp_live_publishers')) === 1,
        15_000,
        25,
      );
      const liveAfter = Math.round(performance.now() - startedAt);
      const shed = await shedAtAddress();
      console.log(
        `  ${FLOOD_SOCKETS} half-open sockets established and handled in ${Math.round(flooded)} ms ` +
          `(${FLOOD_SOCKETS - RTMP_PER_IP_CAP} shed, ${RTMP_PER_IP_CAP} held); ffmpeg live ${liveAfter} ms after it started`,
      );
      assert.ok(liveAfter < LIVE_WITHIN_MS, `live after ${liveAfter} ms`);
      // Its connection took the slot of the oldest flood socket still held.
      assert.equal(shed, FLOOD_SOCKETS - RTMP_PER_IP_CAP + 1);
      assert.equal(clients.filter((c) => !c.closed).length, RTMP_PER_IP_CAP - 1);

      // It produces HLS.
      const multivariant = await waitFor(
        'the multivariant playlist',
        () => fetchMultivariant(server.baseUrl, seeded.playbackId),
        20_000,
        200,
      );
      const mediaUrl = mediaPlaylistUrl(server.baseUrl, seeded.playbackId, multivariant);
      const edge = await waitFor(
        'a segment in the media playlist',
        async () => {
          const now = await fetchLiveEdge(mediaUrl);
          return now && now.segments.length > 0 ? now : undefined;
        },
        20_000,
        200,
      );
      const segment = await fetchResource(mediaUrl, edge.segments[0]!);
      assert.ok(segment.length > 1000, `segment of ${segment.length} bytes`);

      // A flood after it went live sheds only flood sockets: the live publisher is never closed for them.
      clients.push(...(await openHalfOpen(100)));
      await waitFor('100 more flood sockets shed', async () => (await shedAtAddress()) === shed + 100, 20_000, 50);
      assert.equal(await metric('rapidrtmp_rtmp_live_publishers'), 1);
      assert.equal(publisher.child.exitCode, null, `ffmpeg exited:\n${publisher.log}`);
      assert.equal(await metric('rapidrtmp_rtmp_rejected_total', { reason: 'max_connections_per_ip' }), 0);
    } finally {
      for (const client of clients) client.destroy();
    }
    await waitFor(
      'only the publisher connected',
      async () => (await metric('rapidrtmp_rtmp_connections')) === 1,
      10_000,
      50,
    );
  });

  it(`holds at most ${HELD_PER_IP} blocking reloads of one address; the rest are answered at once, other viewers are held as usual`, async () => {
    assert.ok(publisher, 'the previous case left the publisher live');
    const multivariant = await fetchMultivariant(server.baseUrl, seeded.playbackId);
    const mediaUrl = mediaPlaylistUrl(server.baseUrl, seeded.playbackId, multivariant!);
    // Start right after a segment completes: the one after next is then a full segment (4 s) away.
    const first = await waitFor('the media playlist', () => fetchLiveEdge(mediaUrl), 10_000, 100);
    const boundary = await waitFor(
      'a new segment',
      async () => {
        const now = await fetchLiveEdge(mediaUrl);
        return now && now.lastSegment > first.lastSegment ? now.lastSegment : undefined;
      },
      15_000,
      50,
    );
    const target = boundary + 2;
    const overBefore = await metric('rapidrtmp_hls_held_requests_over_limit_total', { limit: 'per_ip' });
    const sentAt = performance.now();
    const flood = Array.from({ length: BLOCKING_FLOOD }, () =>
      getFrom(`${mediaUrl}?_HLS_msn=${target}`, FLOODER, 30_000),
    );
    const answered: Answer[] = [];
    for (const request of flood) void request.then((answer) => answered.push(answer));
    await waitFor(
      'the flood to be sorted into held and answered',
      async () => {
        const samples = await scrape();
        const over = metricValue(samples, 'rapidrtmp_hls_held_requests_over_limit_total', { limit: 'per_ip' });
        return over - overBefore === BLOCKING_FLOOD - HELD_PER_IP && answered.length >= BLOCKING_FLOOD - HELD_PER_IP;
      },
      15_000,
      50,
    );
    assert.equal(await metric('rapidrtmp_hls_held_requests'), HELD_PER_IP);

    // Meanwhile another address: its blocking reloads for the hinted part are held until it exists, as usual.
    const playlist = await getFrom(mediaUrl, OTHER_VIEWER);
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(playlist.body);
    assert.ok(hint, `a preload hint in:\n${playlist.body}`);
    const [, msn, part] = hint;
    const otherSentAt = performance.now();
    const others = await Promise.all(
      Array.from({ length: 8 }, () => getFrom(`${mediaUrl}?_HLS_msn=${msn}&_HLS_part=${part}`, OTHER_VIEWER)),
    );
    const floodAnsweredThen = answered.length;
    for (const other of others) {
      assert.equal(other.status, 200, other.body);
      assert.ok(other.body.includes(`URI="part-${msn}.${part}.m4s"`), 'held until the part existed');
    }
    const otherWait = Math.round(Math.max(...others.map((o) => o.at)) - otherSentAt);
    assert.equal(
      await metric('rapidrtmp_hls_held_requests_over_limit_total', { limit: 'per_ip' }),
      overBefore + BLOCKING_FLOOD - HELD_PER_IP,
      'none of the other address’s requests was turned away',
    );
    assert.equal(floodAnsweredThen, BLOCKING_FLOOD - HELD_PER_IP, 'the flood’s held reloads were still waiting');

    const all = await Promise.all(flood);
    const segmentUri = `seg-${target}.m4s`;
    const atOnce = all.filter((a) => !a.body.includes(segmentUri));
    const held = all.filter((a) => a.body.includes(segmentUri));
    assert.ok(
      all.every((a) => a.status === 200),
      `statuses: ${[...new Set(all.map((a) => a.status))].join(', ')}`,
    );
    assert.equal(held.length, HELD_PER_IP, 'held until the segment existed');
    assert.equal(atOnce.length, BLOCKING_FLOOD - HELD_PER_IP, 'answered with the playlist as it was');
    const slowestAtOnce = Math.round(Math.max(...atOnce.map((a) => a.at)) - sentAt);
    const firstHeld = Math.round(Math.min(...held.map((a) => a.at)) - sentAt);
    console.log(
      `  ${BLOCKING_FLOOD} blocking reloads from ${FLOODER}: ${atOnce.length} answered at once (the last after ` +
        `${slowestAtOnce} ms), ${held.length} held (first answered after ${firstHeld} ms); ` +
        `${others.length} from ${OTHER_VIEWER} held and answered after ${otherWait} ms`,
    );
    assert.ok(slowestAtOnce < firstHeld, 'the unheld ones were answered before the held ones');
    await waitFor('no request held any more', async () => (await metric('rapidrtmp_hls_held_requests')) === 0);
  });
});
