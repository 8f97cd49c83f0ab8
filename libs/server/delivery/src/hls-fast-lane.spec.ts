import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syntheticConfigs, syntheticPackets } from '@rapidrtmp/hls/testing';
import { PEER_SECRET_HEADER } from '@rapidrtmp/server-cluster';
import { loadConfig } from '@rapidrtmp/server-config';
import type { Publisher } from '@rapidrtmp/server-domain';
import type { FastAnswer } from '@rapidrtmp/server-http';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStream, type LiveStreamInfo, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { HeldRequestGate } from './held-request-gate.js';
import { HlsFastLane, PROBLEM_HEADERS } from './hls-fast-lane.js';
import { HlsService } from './hls.service.js';
import type { HlsStream } from './hls-stream.js';
import { PlaybackSigner } from './playback-signer.js';
import { withToken } from './playback-token.js';
import { TokenizedPlaylists } from './tokenized-playlists.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hls-fast-lane-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const publisher: Publisher = { close: () => undefined };

function request(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method: 'GET', url, headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
}

/** The lane's answer given at once (not held). */
function now(answer: FastAnswer | Promise<FastAnswer> | undefined): FastAnswer | undefined {
  assert.ok(!(answer instanceof Promise), 'answered at once');
  return answer;
}

function bodyOf(answer: FastAnswer | Promise<FastAnswer> | undefined): Buffer {
  assert.ok(answer && !(answer instanceof Promise), 'the lane answers at once');
  const { body } = answer;
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.isBuffer(body) ? body : Buffer.concat(body);
  assert.equal(bytes.length, answer.length);
  return bytes;
}

const header = (answer: FastAnswer, name: string) => answer.headers[answer.headers.indexOf(name) + 1];

describe('HlsFastLane: what HlsRoutes answers, before Fastify', () => {
  const config = loadConfig({ DATA_DIR: dataDir, PLAYBACK_SIGNING_SECRET: 'x'.repeat(40) });
  const registry = new LiveStreamRegistry();
  const metrics = new MetricsRegistry();
  const hls = new HlsService(config, registry, metrics, createLogger('silent'));
  const signer = new PlaybackSigner(config);
  const lane = new HlsFastLane({
    source: (playbackId, instance) => hls.sourceNow(playbackId, instance),
    signer,
    tokenized: new TokenizedPlaylists(),
    metrics: hls.metrics,
    holds: new HeldRequestGate({ maxBlockingRequests: 100, maxBlockingRequestsPerIp: 2 }, metrics),
    clientAddress: (req) => req.socket.remoteAddress ?? '',
  });
  let open: HlsStream;
  let signed: HlsStream;
  const lives = new Map<string, LiveStream>();

  function publish(id: string, playbackId: string, signedPlayback: boolean): HlsStream {
    const info = { id, playbackId, streamKeyId: id, signedPlayback, recordingEnabled: false, startedAt: new Date() };
    const live = new LiveStream(info as LiveStreamInfo, publisher);
    lives.set(playbackId, live);
    registry.add(live);
    const { video, audio } = syntheticConfigs();
    live.publish({ type: 'config', track: 'video', config: video, changed: false });
    live.publish({ type: 'config', track: 'audio', config: audio, changed: false });
    for (const packet of syntheticPackets({ seconds: 9, offsetMs: 0 })) live.publish({ type: 'packet', packet });
    const stream = hls.get(playbackId);
    assert.ok(stream);
    return stream;
  }

  before(() => {
    hls.onModuleInit();
    open = publish('s1', 'open1', false);
    signed = publish('s2', 'signed1', true);
  });
  after(() => hls.onModuleDestroy());

  const playlistUrl = (stream: HlsStream, query = '') =>
    `/live/${stream.playbackId}/${stream.instanceId}/media.m3u8${query}`;

  it('answers the media playlist, plain and delta, with the bytes and headers of the route', async () => {
    for (const [query, delta] of [
      ['', false],
      ['?_HLS_skip=YES', true],
    ] as const) {
      const answer = now(lane.answer(request(playlistUrl(open, query))));
      const routed = await open.mediaPlaylist(undefined, delta);
      assert.ok(routed.ok);
      assert.equal(bodyOf(answer).toString(), routed.body);
      assert.equal(answer?.route, '/live/:playbackId/:instance/media.m3u8');
      assert.equal(header(answer, 'content-type'), 'application/vnd.apple.mpegurl');
      assert.equal(header(answer, 'cache-control'), 'no-cache');
      assert.equal(header(answer, 'access-control-allow-origin'), '*');
    }
    assert.ok(open.viewerCount >= 1, 'the viewer is counted');
  });

  it('answers the multivariant playlist of a live stream, signed with the token, as the route does', async () => {
    const answer = now(lane.answer(request(`/live/${open.playbackId}/index.m3u8`)));
    const routed = await open.multivariant();
    assert.ok(routed.ok);
    assert.equal(bodyOf(answer).toString(), routed.body);
    assert.match(routed.body, new RegExp(`${open.instanceId}/media\\.m3u8`));
    assert.equal(answer?.route, '/live/:playbackId/index.m3u8');
    assert.equal(header(answer, 'content-type'), 'application/vnd.apple.mpegurl');
    assert.equal(
      lane.answer(request(`/live/${signed.playbackId}/index.m3u8`)),
      undefined,
      'no token: 403 is the route’s',
    );
    const { token } = signer.sign(signed.playbackId, 60);
    const signedAnswer = now(lane.answer(request(`/live/${signed.playbackId}/index.m3u8?token=${token}`)));
    const signedRouted = await signed.multivariant();
    assert.ok(signedRouted.ok);
    assert.equal(bodyOf(signedAnswer).toString(), withToken(signedRouted.body, token));
    assert.equal(lane.answer(request('/live/nosuchstream/index.m3u8')), undefined, '404 is the route’s');
    assert.equal(lane.answer(request(`/live/${open.playbackId}/other.m3u8`)), undefined);
  });

  it('answers at once a blocking reload the window already satisfies; leaves malformed ones to the route', () => {
    const text = bodyOf(lane.answer(request(playlistUrl(open)))).toString();
    const lastMsn = Math.max(...[...text.matchAll(/seg-(\d+)\.m4s/g)].map((m) => Number(m[1])));
    assert.ok(now(lane.answer(request(playlistUrl(open, `?_HLS_msn=${lastMsn}`)))));
    assert.equal(
      lane.answer(request(playlistUrl(open, `?_HLS_msn=${lastMsn + 100}`))),
      undefined,
      'too far ahead: 400',
    );
    assert.equal(lane.answer(request(playlistUrl(open, '?_HLS_msn=x'))), undefined, '400 is the route’s');
    assert.equal(lane.answer(request(playlistUrl(open, '?_HLS_part=1'))), undefined);
  });

  it('serves segments, parts and init segments with the media headers; ranges and revalidation go to the route', async () => {
    const text = bodyOf(lane.answer(request(playlistUrl(open)))).toString();
    const segment = /seg-\d+\.m4s/.exec(text)?.[0];
    const part = /URI="(part-[\d.]+\.m4s)"/.exec(text)?.[1];
    assert.ok(segment && part, text);
    for (const name of [segment, part, 'init-0.mp4']) {
      const url = `/live/${open.playbackId}/${open.instanceId}/${name}`;
      const answer = now(lane.answer(request(url)));
      const routed = await open.resource(name);
      assert.ok(routed.ok);
      assert.deepEqual(bodyOf(answer), Buffer.concat(routed.body));
      assert.equal(header(answer!, 'etag'), `"${open.instanceId}-${name}"`);
      assert.equal(header(answer!, 'cache-control'), 'public, max-age=86400, immutable');
      assert.equal(header(answer!, 'content-type'), name.startsWith('init') ? 'video/mp4' : 'video/iso.segment');
      assert.equal(answer?.route, '/live/:playbackId/:instance/:resource');
      answer?.done?.();
      assert.equal(lane.answer(request(url, { range: 'bytes=0-1' })), undefined);
      assert.equal(lane.answer(request(url, { 'if-none-match': '"x"' })), undefined);
    }
    // Not in memory: looked up as the route looks it up (here: nowhere), and answered as the route answers.
    const missing = await lane.answer(request(`/live/${open.playbackId}/${open.instanceId}/part-999.0.m4s`));
    assert.equal(missing?.status, 404);
    assert.deepEqual(missing?.headers, PROBLEM_HEADERS);
    assert.equal(bodyOf(missing).toString(), 'not found\n');
    assert.equal((await open.resource('part-999.0.m4s')).ok, false);
  });

  it('answers a signed stream only with a valid token, and puts the token in the playlist’s URIs', async () => {
    assert.equal(lane.answer(request(playlistUrl(signed))), undefined, '403 is the route’s');
    assert.equal(lane.answer(request(playlistUrl(signed, '?token=forged'))), undefined);
    const { token } = signer.sign(signed.playbackId, 60);
    const answer = now(lane.answer(request(playlistUrl(signed, `?token=${token}`))));
    const routed = await signed.mediaPlaylist(undefined);
    assert.ok(routed.ok);
    assert.equal(bodyOf(answer).toString(), withToken(routed.body, token));
    const segment = /seg-\d+\.m4s/.exec(routed.body)?.[0];
    const media = now(
      lane.answer(request(`/live/${signed.playbackId}/${signed.instanceId}/${segment}?token=${token}`)),
    );
    assert.equal(header(media!, 'cache-control'), 'private, max-age=86400, immutable');
    media?.done?.();
  });

  it('leaves to the route other nodes, unknown or malformed names, and queries it does not read as plain text', () => {
    const plain = playlistUrl(open);
    assert.equal(lane.answer(request(plain, { [PEER_SECRET_HEADER]: 'anything' })), undefined);
    for (const url of [
      `/live/${open.playbackId}/ffffffff/media.m3u8`,
      `/live/nobody/${open.instanceId}/media.m3u8`,
      `/live/${open.playbackId.toUpperCase()}/${open.instanceId}/media.m3u8`,
      `/live/${open.playbackId}/${open.instanceId}/media.m3u8/`,
      `/live/${open.playbackId}//${open.instanceId}/media.m3u8`,
      `/live/${open.playbackId}/${open.instanceId}/seg-1.ts`,
      `${plain}?_HLS_skip=YES&_HLS_skip=YES`,
      `${plain}?token=a%2Bb`,
      `${plain}?x=a+b`,
      `${plain}?constructor=1&constructor=2`,
    ])
      assert.equal(lane.answer(request(url)), undefined, url);
    assert.ok(lane.answer(request(`${plain}?__proto__=1`)), 'an unknown plain key is ignored, as Fastify does');
  });

  it('holds a blocking reload and a hinted part until the part is cut, within the per-address bound', async () => {
    const stream = publish('s3', 'held1', false);
    const text = bodyOf(lane.answer(request(playlistUrl(stream)))).toString();
    const hint = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(text);
    assert.ok(hint, text);
    const hinted = `part-${hint[1]}.${hint[2]}.m4s`;
    const partUrl = `/live/${stream.playbackId}/${stream.instanceId}/${hinted}`;
    const reloadUrl = playlistUrl(stream, `?_HLS_msn=${hint[1]}&_HLS_part=${hint[2]}`);
    const reload = lane.answer(request(reloadUrl));
    const part = lane.answer(request(partUrl));
    assert.ok(reload instanceof Promise && part instanceof Promise, 'both held');
    // Past the address's bound (2 held): a reload gets the playlist as it is now, a hinted part 503, at once.
    const listed = new RegExp(`#EXT-X-PART:.*URI="${hinted.replaceAll('.', '\\.')}"`);
    const unheld = await lane.answer(request(reloadUrl));
    assert.equal(unheld?.status, 200);
    assert.doesNotMatch(bodyOf(unheld).toString(), listed, 'the hinted part is not listed yet');
    const refused = await lane.answer(request(partUrl));
    assert.equal(refused?.status, 503);
    assert.deepEqual(refused.headers, PROBLEM_HEADERS);
    assert.equal(bodyOf(refused).toString(), 'this part is not ready yet; too many held requests\n');

    const live = lives.get('held1');
    assert.ok(live);
    for (const packet of syntheticPackets({ seconds: 1, offsetMs: 9000 })) live.publish({ type: 'packet', packet });
    const [playlist, media] = await Promise.all([reload, part]);
    assert.equal(playlist.status, 200);
    assert.match(bodyOf(playlist).toString(), listed);
    assert.equal(media.status, 200);
    const routed = await stream.resource(hinted);
    assert.ok(routed.ok);
    assert.deepEqual(bodyOf(media), Buffer.concat(routed.body));
    media.done?.();

    // The stream ends while a reload is held: the open part is cut, the reload gets the final playlist.
    const next = /#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-(\d+)\.(\d+)\.m4s"/.exec(bodyOf(playlist).toString());
    assert.ok(next);
    const held = lane.answer(request(playlistUrl(stream, `?_HLS_msn=${next[1]}&_HLS_part=${next[2]}`)));
    assert.ok(held instanceof Promise);
    stream.finish();
    assert.match(bodyOf(await held).toString(), /#EXT-X-ENDLIST/);
  });

  it('leaves an ended stream to the route (its archive and ENDLIST)', () => {
    const url = playlistUrl(open);
    open.finish();
    assert.equal(lane.answer(request(url)), undefined);
  });
});
