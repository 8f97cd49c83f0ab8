import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PEER_SECRET_HEADER } from '@rapidrtmp/server-cluster';
import { loadConfig } from '@rapidrtmp/server-config';
import type { FastAnswer } from '@rapidrtmp/server-http';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { createDeliveryMetrics } from './delivery-metrics.js';
import { EdgeDelivery } from './edge-delivery.js';
import type { Origin } from './edge-playback.js';
import { HeldRequestGate } from './held-request-gate.js';
import { HlsFastLane, PLAYLIST_HEADERS, PROBLEM_HEADERS } from './hls-fast-lane.js';
import { PlaybackSigner } from './playback-signer.js';
import { withToken } from './playback-token.js';
import { TokenizedPlaylists } from './tokenized-playlists.js';

const SECRET = 's'.repeat(40);
const MEDIA_PLAYLIST = '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg-3.m4s\n';
const MULTIVARIANT = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=2000000\nabc1/media.m3u8\n';
const SEGMENT = Buffer.alloc(64 * 1024, 7);

function request(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method: 'GET', url, headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
}

function bytesOf(answer: FastAnswer): Buffer {
  const { body } = answer;
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : Buffer.concat(body);
  assert.equal(bytes.length, answer.length);
  return bytes;
}

/**
 * The lane on an edge node: a real EdgeDelivery pulling over real HTTP from an origin (here a plain server
 * answering as a node's routes answer another node: only with the cluster secret).
 */
describe('HlsFastLane on an edge: a stream another node holds', () => {
  const asked: string[] = [];
  const originServer = createServer((req, res) => {
    if (req.headers[PEER_SECRET_HEADER] !== SECRET) return res.writeHead(403).end();
    const url = req.url ?? '';
    asked.push(url);
    const path = url.split('?')[0];
    if (path === '/live/p1/abc1/media.m3u8') return res.end(`${MEDIA_PLAYLIST}#asked ${url}\n`);
    if (path === '/live/p1/index.m3u8' || path === '/live/p2/index.m3u8') return res.end(MULTIVARIANT);
    if (path === '/live/p1/abc1/seg-3.m4s') return res.end(SEGMENT);
    if (path === '/live/p1/abc1/part-4.1.m4s') return setTimeout(() => res.end(Buffer.from('part')), 100);
    res.writeHead(404).end('not found\n');
  });
  const config = loadConfig({ CLUSTER_SECRET: SECRET, PLAYBACK_SIGNING_SECRET: 'x'.repeat(40) });
  const metrics = new MetricsRegistry();
  const edge = new EdgeDelivery(config, metrics, createLogger('silent'));
  const signer = new PlaybackSigner(config);
  const origins = new Map<string, Origin>();
  const lane = new HlsFastLane({
    source: (playbackId, instance) => {
      const origin = origins.get(playbackId);
      return origin && edge.source(origin, playbackId, instance);
    },
    signer,
    tokenized: new TokenizedPlaylists(),
    metrics: createDeliveryMetrics(metrics),
    holds: new HeldRequestGate({ maxBlockingRequests: 100, maxBlockingRequestsPerIp: 2 }, metrics),
    clientAddress: (req) => req.socket.remoteAddress ?? '',
  });

  before(async () => {
    await new Promise<void>((resolve) => originServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(originServer.address() as AddressInfo).port}`;
    origins.set('p1', { nodeId: 'node-a', url, signedPlayback: false });
    origins.set('p2', { nodeId: 'node-a', url, signedPlayback: true });
  });
  after(() => new Promise<void>((resolve) => originServer.close(() => resolve())));

  it("answers playlists with the origin's, blocking reloads passed on", async () => {
    const plain = lane.answer(request('/live/p1/abc1/media.m3u8'));
    assert.ok(plain instanceof Promise, 'the origin is asked');
    const answer = await plain;
    assert.equal(answer.status, 200);
    assert.equal(answer.route, '/live/:playbackId/:instance/media.m3u8');
    assert.deepEqual(answer.headers, PLAYLIST_HEADERS);
    assert.equal(bytesOf(answer).toString(), `${MEDIA_PLAYLIST}#asked /live/p1/abc1/media.m3u8\n`);
    const blocking = await lane.answer(request('/live/p1/abc1/media.m3u8?_HLS_msn=5&_HLS_part=1&_HLS_skip=YES'));
    assert.match(
      bytesOf(blocking!).toString(),
      /#asked \/live\/p1\/abc1\/media\.m3u8\?_HLS_msn=5&_HLS_part=1&_HLS_skip=YES/,
    );
    const multivariant = await lane.answer(request('/live/p1/index.m3u8'));
    assert.equal(multivariant?.route, '/live/:playbackId/index.m3u8');
    assert.equal(bytesOf(multivariant).toString(), MULTIVARIANT);
  });

  it('answers a cached object at once: one origin request for many viewers', async () => {
    asked.length = 0;
    const first = lane.answer(request('/live/p1/abc1/seg-3.m4s'));
    assert.ok(first instanceof Promise, 'a miss goes to the origin');
    const answer = await first;
    assert.equal(answer.status, 200);
    assert.deepEqual(bytesOf(answer), SEGMENT);
    assert.equal(answer.headers[answer.headers.indexOf('etag') + 1], '"abc1-seg-3.m4s"');
    answer.done?.();
    for (let i = 0; i < 3; i++) {
      const cached = lane.answer(request('/live/p1/abc1/seg-3.m4s'));
      assert.ok(cached && !(cached instanceof Promise), 'a hit is answered at once');
      assert.deepEqual(bytesOf(cached), SEGMENT);
    }
    assert.deepEqual(asked, ['/live/p1/abc1/seg-3.m4s']);
  });

  it("holds a part until the origin has it, and gives the origin's errors as the route gives them", async () => {
    const part = lane.answer(request('/live/p1/abc1/part-4.1.m4s'));
    assert.ok(part instanceof Promise);
    assert.equal(bytesOf(await part).toString(), 'part');
    const missing = await lane.answer(request('/live/p1/abc1/seg-9.m4s'));
    assert.equal(missing?.status, 404);
    assert.deepEqual(missing?.headers, PROBLEM_HEADERS);
    assert.equal(bytesOf(missing).toString(), 'not found\n');
  });

  it('needs a valid token for a signed stream and puts it in the URIs', async () => {
    assert.equal(lane.answer(request('/live/p2/abc1/media.m3u8')), undefined, 'no token: 403 is the route’s');
    const { token } = signer.sign('p2', 60);
    assert.equal(lane.answer(request(`/live/p2/abc1/media.m3u8?token=${token}x`)), undefined);
    const answer = await lane.answer(request(`/live/p2/index.m3u8?token=${token}`));
    assert.equal(answer?.status, 200);
    assert.equal(bytesOf(answer).toString(), withToken(MULTIVARIANT, token));
    assert.match(bytesOf(answer).toString(), /abc1\/media\.m3u8\?token=/);
    assert.equal(lane.answer(request('/live/unknown/abc1/media.m3u8')), undefined, 'no source known at once');
  });
});
