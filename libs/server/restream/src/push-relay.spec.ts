import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { FLV_TAG_TYPE, FlvDemuxer, readFlvFile, type FlvFileTag } from '@rapidrtmp/flv';
import { createLogger } from '@rapidrtmp/server-logging';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import { tableResolver } from '@rapidrtmp/server-outbound/testing';
import type { LiveStream, PushTargetState } from '@rapidrtmp/server-streams';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import { freePort, selfSignedCertificate, waitFor } from '@rapidrtmp/test-support';
import type { FailureReason } from './push-errors.js';
import { type PushConnector, type PushOutage, PushRelay, type PushRelayEvents } from './push-relay.js';
import { parsePushTargetUrl } from './push-target-url.js';
import { DEFAULT_PUSH_TIMING, type PushTiming } from './push-types.js';
import { RtmpTarget, type RtmpTargetOptions } from './testing/rtmp-target.js';

// ffmpeg's H.264 High (B-frames) + AAC fixture of the FLV lib: real tags, demuxed as ingest does.
const TAGS = readFlvFile(
  readFileSync(new URL('../../../media/flv/fixtures/h264-high-bframes-aac.flv', import.meta.url)),
).tags.filter((tag) => tag.type !== FLV_TAG_TYPE.script);
const STREAM_KEY = 'target-secret-key-0123456789';
const FAST: PushTiming = {
  ...DEFAULT_PUSH_TIMING,
  connectTimeoutMs: 2000,
  retryBaseMs: 40,
  retryMaxMs: 200,
  stallTimeoutMs: 600,
};

/** The events a demuxer makes of `tags`, published into `stream` as ingest would; returns the packets. */
function publishTags(stream: LiveStream, demuxer: FlvDemuxer, tags: readonly FlvFileTag[]): number {
  let packets = 0;
  for (const tag of tags) {
    const push = tag.type === FLV_TAG_TYPE.video ? demuxer.pushVideo : demuxer.pushAudio;
    const event = push.call(demuxer, tag.timestamp, tag.body);
    if (!event || event.type === 'end') continue;
    stream.publish(event);
    if (event.type === 'packet') packets++;
  }
  return packets;
}

/** Every log line, to check that the key never appears in one. */
const logLines: string[] = [];
const log = createLogger('debug', { write: (line: string) => void logLines.push(line) });

class Recorder implements PushRelayEvents {
  readonly states: PushTargetState[] = [];
  readonly failures: FailureReason[] = [];
  readonly reported: Array<{ type: 'failed' | 'recovered'; outage: PushOutage }> = [];
  bytes = 0;
  dropped = 0;
  reconnects = 0;
  stateChanged(relay: PushRelay) {
    this.states.push(relay.state);
  }
  failed(_relay: PushRelay, outage: PushOutage) {
    this.reported.push({ type: 'failed', outage: { ...outage } });
  }
  recovered(_relay: PushRelay, outage: PushOutage) {
    this.reported.push({ type: 'recovered', outage: { ...outage } });
  }
  attemptFailed(_relay: PushRelay, reason: FailureReason) {
    this.failures.push(reason);
  }
  reconnecting() {
    this.reconnects++;
  }
  bytesSent(count: number) {
    this.bytes += count;
  }
  packetsDropped(count: number) {
    this.dropped += count;
  }
}

const loopback = new OutboundGuard(OutboundPolicy.allowing(['127.0.0.0/8']));
const connectVia =
  (guard: OutboundGuard, ca?: string[]): PushConnector =>
  (address) =>
    address.scheme === 'rtmps'
      ? { socket: guard.connectTls({ host: address.host, port: address.port, ca }), readyEvent: 'secureConnect' }
      : { socket: guard.connect({ host: address.host, port: address.port }), readyEvent: 'connect' };

function targetAt(url: string) {
  const parsed = parsePushTargetUrl(url);
  assert.ok('address' in parsed, JSON.stringify(parsed));
  return {
    id: '6f1c2b8e-0000-4000-8000-000000000001',
    label: 'Test target',
    address: parsed.address,
    streamKey: STREAM_KEY,
  };
}

describe('PushRelay', { timeout: 60_000 }, () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(() => {
    assert.equal(logLines.filter((line) => line.includes(STREAM_KEY)).length, 0, 'the key is in no log line');
  });

  async function target(options: RtmpTargetOptions = {}) {
    const server = await RtmpTarget.start(options);
    cleanups.push(() => server.close());
    return server;
  }

  function relay(url: string, stream: LiveStream, options: { connect?: PushConnector; timing?: PushTiming } = {}) {
    const events = new Recorder();
    const pushing = new PushRelay(
      targetAt(url),
      stream,
      options.connect ?? connectVia(loopback),
      events,
      options.timing ?? FAST,
      log,
    );
    cleanups.push(() => pushing.stop());
    return { relay: pushing, events };
  }

  /** A started relay of a stream that has been live a while, to 127.0.0.1:`port`. */
  function startedRelay(port: number) {
    const stream = makeLiveStream();
    publishTags(stream, new FlvDemuxer(), TAGS.slice(0, 30));
    const started = relay(`rtmp://127.0.0.1:${port}/app`, stream);
    started.relay.start();
    return started;
  }

  it('publishes from the latest keyframe with metadata and sequence headers first, timestamps from 0', async () => {
    const server = await target();
    const stream = makeLiveStream();
    const demuxer = new FlvDemuxer();
    stream.publish({ type: 'metadata', metadata: { encoder: 'fixture', width: 1 } });
    publishTags(stream, demuxer, TAGS.slice(0, 40)); // the source has been live a while
    const { relay: pushing, events } = relay(`rtmp://127.0.0.1:${server.port}/live/sub`, stream);
    pushing.start();
    await waitFor('live', () => pushing.state === 'live' || undefined, 5000, 10);
    publishTags(stream, demuxer, TAGS.slice(40));
    await waitFor('every later tag', () => server.media.length >= TAGS.length - 40 || undefined, 5000, 10);

    assert.deepEqual(
      server.publishes.map((p) => [p.app, p.streamName, p.publishType]),
      [['live/sub', STREAM_KEY, 'live']],
    );
    assert.equal(server.metadata.length, 1, 'onMetaData once');
    assert.equal(server.metadata[0]!.encoder, 'fixture');
    assert.equal(server.metadata[0]!.width, stream.tracks.video!.width, 'track values from the config win');
    const [first, second] = server.media;
    assert.deepEqual(
      [first!.kind, first!.head.toString('hex'), first!.timestamp],
      ['video', '1700', 0],
      'AVC sequence header',
    );
    assert.deepEqual([second!.kind, second!.head.toString('hex')], ['audio', 'af00'], 'AAC sequence header');
    const frames = server.media.slice(2);
    assert.equal(frames[0]!.head.toString('hex'), '1701', 'the first frame is a keyframe');
    assert.equal(frames[0]!.timestamp, 0, 'and starts the timeline');
    const video = frames.filter((m) => m.kind === 'video').map((m) => m.timestamp);
    assert.deepEqual(
      video,
      [...video].sort((a, b) => a - b),
      'video timestamps never go back',
    );
    assert.ok(video.at(-1)! > 1000, `${video.at(-1)} ms of media`);
    assert.ok(events.bytes > 50_000 && pushing.status().bytesSent === events.bytes, `${events.bytes} bytes`);
    assert.deepEqual(events.reported, []);

    pushing.stop();
    await waitFor('unpublished', () => server.unpublishes.length > 0 || undefined, 5000, 10);
    assert.ok(['FCUnpublish', 'deleteStream'].includes(server.unpublishes[0]!), server.unpublishes.join());
    assert.equal(pushing.state, 'idle');
  });

  it('retries a refused target with backoff, reports it failed after 3 attempts, and recovered once it answers', async () => {
    const port = await freePort();
    const { relay: pushing, events } = startedRelay(port);
    await waitFor('three failures', () => events.failures.length >= 3 || undefined, 5000, 10);
    const status = pushing.status();
    assert.equal(status.state, 'retrying');
    assert.match(status.lastError ?? '', /ECONNREFUSED 127\.0\.0\.1:\d+/);
    assert.ok(status.retryAt && status.retryAt.getTime() > Date.now() - 50, 'the next attempt is scheduled');
    assert.deepEqual(new Set(events.failures), new Set(['refused']));
    assert.deepEqual(
      events.reported.map((r) => [r.type, r.outage.attempts]),
      [['failed', 3]],
    );

    const server = await target({ port });
    await waitFor('live after the target came up', () => pushing.state === 'live' || undefined, 5000, 10);
    assert.deepEqual(
      events.reported.map((r) => r.type),
      ['failed', 'recovered'],
    );
    assert.match(events.reported[1]!.outage.lastError, /ECONNREFUSED/);
    assert.equal(pushing.status().lastError, null);
    assert.ok(pushing.status().reconnects >= 3);
    assert.equal(server.publishes.length, 1);
  });

  it('reports a drop after being live at once, and reconnects from the base delay', async () => {
    let server = await target();
    const port = server.port;
    const { relay: pushing, events } = startedRelay(port);
    await waitFor('live', () => pushing.state === 'live' || undefined, 5000, 10);
    await server.close();
    await waitFor('retrying', () => pushing.state === 'retrying' || undefined, 5000, 10);
    assert.deepEqual(
      events.reported.map((r) => [r.type, r.outage.attempts]),
      [['failed', 1]],
      'reported on the drop',
    );
    server = await target({ port });
    await waitFor('live again', () => pushing.state === 'live' || undefined, 5000, 10);
    assert.deepEqual(
      events.reported.map((r) => r.type),
      ['failed', 'recovered'],
    );
  });

  it('says why a target refused the publish, without the stream key it echoed', async () => {
    const server = await target({ behaviour: { refuse: `No stream ${STREAM_KEY} here` } });
    const { relay: pushing, events } = relay(`rtmp://127.0.0.1:${server.port}/app`, makeLiveStream());
    pushing.start();
    await waitFor('refused', () => events.failures.length > 0 || undefined, 5000, 10);
    const error = pushing.status().lastError ?? '';
    assert.match(error, /publish-rejected.*NetStream\.Publish\.BadName/);
    assert.doesNotMatch(error, new RegExp(STREAM_KEY));
    assert.deepEqual(events.failures.slice(0, 1), ['rtmp']);
  });

  it('gives up an attempt that does not publish in time (a server that never answers the handshake)', async () => {
    const server = await target({ silent: true });
    const { relay: pushing, events } = relay(`rtmp://127.0.0.1:${server.port}/app`, makeLiveStream(), {
      timing: { ...FAST, connectTimeoutMs: 300 },
    });
    pushing.start();
    await waitFor('timed out', () => events.failures.length > 0 || undefined, 5000, 10);
    assert.equal(events.failures[0], 'timeout');
    assert.match(pushing.status().lastError ?? '', /not publishing after 0\.3 s \(handshake\)/);
  });

  it('refuses a target the outbound policy does not allow, on the resolved address', async () => {
    const server = await target();
    const resolving = tableResolver({ 'push.example': ['127.0.0.1'] });
    const strict = new OutboundGuard(OutboundPolicy.strict(), resolving.resolver);
    const { relay: pushing, events } = relay(`rtmp://push.example:${server.port}/app`, makeLiveStream(), {
      connect: connectVia(strict),
    });
    pushing.start();
    await waitFor('refused', () => events.failures.length > 0 || undefined, 5000, 10);
    assert.equal(events.failures[0], 'policy');
    assert.match(pushing.status().lastError ?? '', /push\.example resolves to 127\.0\.0\.1, a loopback address/);
    assert.equal(server.connections, 0, 'nothing reached the target');
  });

  it('drops a target that stopped reading to the next keyframe, then cuts it, while other subscribers get every packet', async () => {
    const server = await target({ behaviour: 'stall' });
    const stream = makeLiveStream();
    const demuxer = new FlvDemuxer();
    publishTags(stream, demuxer, TAGS.slice(0, 20));
    const { relay: pushing, events } = relay(`rtmp://127.0.0.1:${server.port}/app`, stream, {
      timing: { ...FAST, maxQueuedBytes: 64 * 1024, stallTimeoutMs: 1500 },
    });
    pushing.start();
    await waitFor('live', () => pushing.state === 'live' || undefined, 5000, 10);
    // Another consumer (HLS, say) sees every packet at once whatever the stalled target does.
    let seen = 0;
    stream.subscribe({ name: 'hls', onEvent: (event) => void (event.type === 'packet' && seen++) });
    const started = performance.now();
    let published = 0;
    // The fixture again and again (timestamps moved on) until the socket and the queue are full.
    for (let round = 1; pushing.status().droppedPackets === 0 && round <= 200; round++) {
      const shifted = TAGS.slice(20).map((tag) => ({ ...tag, timestamp: tag.timestamp + round * 10_000 }));
      published += publishTags(stream, demuxer, shifted);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const elapsed = performance.now() - started;
    assert.ok(pushing.status().droppedPackets > 0, 'dropped');
    assert.equal(seen, published, 'the other subscriber got every packet');
    assert.ok(elapsed < 10_000, `publishing was not held up (${Math.round(elapsed)} ms)`);
    await waitFor('cut for stalling', () => events.failures.includes('stalled') || undefined, 5000, 10);
    assert.match(pushing.status().lastError ?? '', /stopped reading/);
    assert.ok(events.dropped > 0, 'the drops were counted when the attempt ended');
  });

  describe('rtmps', () => {
    let dir: string;
    let tls: { key: string; cert: string };
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rr-restream-tls-'));
      tls = await selfSignedCertificate(dir, { commonName: 'push.test', altNames: ['DNS:push.test'] });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const guard = () =>
      new OutboundGuard(
        OutboundPolicy.allowing(['127.0.0.0/8']),
        tableResolver({ 'push.test': ['127.0.0.1'] }).resolver,
      );

    it('verifies the certificate: an unknown issuer is refused', async () => {
      const server = await target({ tls });
      const { relay: pushing, events } = relay(`rtmps://push.test:${server.port}/app`, makeLiveStream(), {
        connect: connectVia(guard()),
      });
      pushing.start();
      await waitFor('refused', () => events.failures.length > 0 || undefined, 5000, 10);
      assert.equal(events.failures[0], 'tls');
      assert.match(pushing.status().lastError ?? '', /self-signed certificate/);
      assert.equal(server.publishes.length, 0);
    });

    it('publishes over TLS to a server whose certificate it trusts, by name (SNI)', async () => {
      const server = await target({ tls });
      const stream = makeLiveStream();
      publishTags(stream, new FlvDemuxer(), TAGS.slice(0, 30));
      const { relay: pushing } = relay(`rtmps://push.test:${server.port}/app`, stream, {
        connect: connectVia(guard(), [tls.cert]),
      });
      pushing.start();
      await waitFor('live', () => pushing.state === 'live' || undefined, 5000, 10);
      await waitFor('media', () => server.media.length > 2 || undefined, 5000, 10);
      assert.equal(server.publishes[0]!.streamName, STREAM_KEY);
    });
  });
});
