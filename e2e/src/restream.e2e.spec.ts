// Restream end to end: a RapidRTMP source pushes one live stream to two targets, a second RapidRTMP (its
// own database and stream key) and a port where nothing listens. ffmpeg decodes what the good target
// serves; the bad one retries with its error and never disturbs the good one or the source's HLS; the
// good target's server is killed by PID and started again on the same ports, and the push comes back.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import {
  decodeWithFfmpeg,
  FfmpegPublisher,
  freePort,
  metricValue,
  scrapeMetrics,
  type SeededKey,
  seedPublisher,
  ServerProcess,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';
import { ADMIN, type AdminServer, startAdminServer } from './support/admin-server.js';
import { ApiClient, type ApiResponse } from './support/api-client.js';
import { fetchLiveEdge, fetchMultivariant, mediaPlaylistUrl, watchLiveEdge } from './support/hls-live.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

/** The refused target's key: it must never come back from the API or show in a log either. */
const REFUSED_KEY = 'refused-target-key-7f3a9c2e';
/** Backoff cap of the source (RESTREAM_RETRY_MAX_SECONDS): the push comes back within seconds of the target. */
const RETRY_MAX_SECONDS = 3;
/** Bound on "live again" after the target's server is ready again. */
const RECONNECT_BOUND_MS = 20_000;

interface PushStatus {
  targetId: string;
  label: string;
  state: string;
  lastError: string | null;
  bytesSent: number;
  connectedAt: string | null;
  retryAt: string | null;
}
interface PushTarget {
  id: string;
  label: string;
  url: string;
  streamKeyHint: string;
  enabled: boolean;
  status: PushStatus;
}

/** A second RapidRTMP on fixed ports, its data and database kept across a kill and restart. */
class TargetServer {
  server!: ServerProcess;
  readonly dataDir = mkdtempSync(join(tmpdir(), 'rr-restream-target-'));

  constructor(
    readonly db: TestDatabase,
    readonly httpPort: number,
    readonly rtmpPort: number,
  ) {}

  async start(): Promise<number> {
    const started = Date.now();
    this.server = ServerProcess.spawn(
      {
        dataDir: this.dataDir,
        // The default outbound policy: this server refuses loopback targets.
        env: { DATABASE_URL: this.db.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
      },
      this.httpPort,
      this.rtmpPort,
    );
    await this.server.waitForReady(60_000);
    return Date.now() - started;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
    await this.db.drop();
  }
}

describe('restream: pushing a live stream to other RTMP servers', { timeout: 300_000 }, () => {
  let source: AdminServer | undefined;
  let target: TargetServer | undefined;
  let targetKey: SeededKey;
  let publisher: FfmpegPublisher | undefined;
  let receiver: WebhookReceiver | undefined;
  let keyId: string;
  let sourcePlaybackId: string;
  let good: PushTarget;
  let bad: PushTarget;
  /** Every API answer of the source, to show no target key ever comes back. */
  const answers: unknown[] = [];

  const api = () => source!.admin;
  const record = <T>(response: ApiResponse<T>) => {
    answers.push(response.body);
    return response;
  };
  const targets = async () => record(await api().get<PushTarget[]>(`/api/v1/stream-keys/${keyId}/push-targets`)).body;
  const byId = async (id: string) => (await targets()).find((t) => t.id === id);
  const waitForState = (id: string, state: string, timeoutMs: number) =>
    waitFor(
      `target ${id} ${state}`,
      async () => ((await byId(id))?.status.state === state ? byId(id) : undefined),
      timeoutMs,
      250,
    );
  const targetFlv = () => `http://127.0.0.1:${target!.httpPort}/live/${targetKey.playbackId}.flv`;
  const events = (type: string, targetId: string) =>
    receiver!.received
      .map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> })
      .filter((e) => e.type === type && e.data.targetId === targetId);
  /** The webhook events of one type for a target, once there is at least one. */
  const eventsOnceSeen = (type: string, targetId: string, timeoutMs: number) =>
    waitFor(
      `${type} for target ${targetId}`,
      async () => {
        const found = events(type, targetId);
        return found.length > 0 ? found : undefined;
      },
      timeoutMs,
      250,
    );

  before(async () => {
    const targetDb = await createTestDatabase('rr_restream_target');
    target = new TargetServer(targetDb, await freePort(), await freePort());
    [source] = await Promise.all([
      startAdminServer('rr_restream_source', {
        RESTREAM_RETRY_MAX_SECONDS: String(RETRY_MAX_SECONDS),
        LOG_LEVEL: 'debug',
      }),
      target.start(),
    ]);
    targetKey = await seedPublisher(targetDb.url, { label: 'restream in' });
    receiver = await startWebhookReceiver();
    const hook = await api().post('/api/v1/webhooks', {
      url: receiver.url('/restream'),
      events: ['restream.failed', 'restream.recovered'],
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));

    const key = (await api().post('/api/v1/stream-keys', { label: 'restreamed' })).body;
    keyId = key.id;
    sourcePlaybackId = key.playbackId;
    const created = record(
      await api().post<PushTarget>(`/api/v1/stream-keys/${keyId}/push-targets`, {
        label: 'Second RapidRTMP',
        url: `rtmp://127.0.0.1:${target.rtmpPort}/live`,
        streamKey: targetKey.key,
      }),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    good = created.body;
    bad = record(
      await api().post<PushTarget>(`/api/v1/stream-keys/${keyId}/push-targets`, {
        label: 'Nobody home',
        url: `rtmp://127.0.0.1:${await freePort()}/live`,
        streamKey: REFUSED_KEY,
      }),
    ).body;

    publisher = FfmpegPublisher.start(`rtmp://127.0.0.1:${source.server.rtmpPort}/live/${key.key}`, [
      '-re',
      '-stream_loop',
      '-1',
      '-i',
      await testClip(),
    ]);
  });

  after(async () => {
    await publisher?.stop();
    await receiver?.close();
    await Promise.all([source?.stop(), target?.stop()]);
  });

  it('answers with the target URL and a masked key, never the key', () => {
    assert.equal(good.url, `rtmp://127.0.0.1:${target!.rtmpPort}/live`);
    assert.equal(good.streamKeyHint, `••••${targetKey.key.slice(-4)}`);
    assert.equal(bad.streamKeyHint, `••••${REFUSED_KEY.slice(-4)}`);
    assert.deepEqual([good.enabled, good.status.state], [true, 'idle']);
    assert.equal('streamKey' in good, false);
  });

  it('pushes to the good target, which serves a stream ffmpeg decodes without an error, while the refused one retries', async () => {
    const live = await waitForState(good.id, 'live', 30_000);
    assert.ok(live?.status.connectedAt);
    const refused = await waitForState(bad.id, 'retrying', 15_000);
    assert.match(refused?.status.lastError ?? '', /ECONNREFUSED 127\.0\.0\.1:\d+/);
    assert.ok(refused?.status.retryAt, 'the next attempt is scheduled');

    const decoded = await decodeWithFfmpeg(targetFlv(), 8);
    assert.equal(decoded.stderr, '', 'ffmpeg decodes the pushed stream without a message');
    assert.equal(decoded.code, 0);

    const pushed = (await byId(good.id))!.status;
    assert.equal(pushed.state, 'live', 'the good push stayed live throughout');
    assert.ok(pushed.bytesSent > 500_000, `${pushed.bytesSent} bytes pushed`);
    assert.equal((await byId(bad.id))!.status.state, 'retrying');

    // The stream page's source: the stream detail carries the same status.
    const [stream] = (await api().get('/api/v1/streams/live')).body as Array<{ id: string }>;
    const detail = record(await api().get(`/api/v1/streams/${stream!.id}`)).body as { pushTargets: PushStatus[] };
    assert.deepEqual(
      detail.pushTargets.map((t) => [t.label, t.state]),
      [
        ['Second RapidRTMP', 'live'],
        ['Nobody home', 'retrying'],
      ],
    );

    const metrics = await scrapeMetrics(source!.server.baseUrl);
    assert.equal(metricValue(metrics, 'rapidrtmp_restream_targets', { state: 'live' }), 1);
    assert.equal(metricValue(metrics, 'rapidrtmp_restream_targets', { state: 'retrying' }), 1);
    assert.ok(metricValue(metrics, 'rapidrtmp_restream_bytes_sent_total') > 500_000);
    assert.ok(metricValue(metrics, 'rapidrtmp_restream_failures_total', { reason: 'refused' }) >= 1);

    // After 3 refused attempts the refused target is reported, once.
    const [failed] = await eventsOnceSeen('restream.failed', bad.id, 20_000);
    assert.match(String(failed!.data.error), /ECONNREFUSED/);
    assert.equal(failed!.data.streamKeyId, keyId);
    assert.equal(failed!.data.targetUrl, bad.url);
    assert.ok(Number(failed!.data.attempts) >= 3);
  });

  it('keeps the source’s HLS going while a target refuses', async () => {
    const multivariant = await waitFor(
      'multivariant',
      () => fetchMultivariant(source!.server.baseUrl, sourcePlaybackId),
      20_000,
      250,
    );
    const mediaUrl = mediaPlaylistUrl(source!.server.baseUrl, sourcePlaybackId, multivariant);
    const watch = watchLiveEdge(mediaUrl, 500);
    try {
      const first = await waitFor('a segment', async () => (await fetchLiveEdge(mediaUrl))?.lastSegment, 20_000, 250);
      await waitFor(
        'three more segments',
        async () => ((await fetchLiveEdge(mediaUrl))!.lastSegment >= first + 3 ? true : undefined),
        20_000,
        250,
      );
    } finally {
      await watch.stop();
    }
    assert.deepEqual(watch.failures, []);
    const gaps = watch.samples.slice(1).map((s, i) => s.at - watch.samples[i]!.at);
    assert.ok(Math.max(...gaps) < 3000, `polls answered steadily (${Math.max(...gaps)} ms)`);
    assert.equal((await byId(bad.id))!.status.state, 'retrying', 'still refused meanwhile');
  });

  it('reconnects within seconds when the good target’s server is killed and started again on the same ports', async () => {
    const pid = target!.server.child.pid!;
    assert.ok(pid > 0);
    await target!.server.stop('SIGKILL');
    const dropped = await waitForState(good.id, 'retrying', 15_000);
    assert.ok(dropped?.status.lastError, 'says why it dropped');
    await eventsOnceSeen('restream.failed', good.id, 15_000);

    const startMs = await target!.start();
    const ready = Date.now();
    await waitForState(good.id, 'live', RECONNECT_BOUND_MS);
    const reconnectMs = Date.now() - ready;
    console.log(`# target restarted in ${startMs} ms; the push was live again ${reconnectMs} ms after it was ready`);
    assert.ok(reconnectMs < RECONNECT_BOUND_MS);

    const decoded = await decodeWithFfmpeg(targetFlv(), 6);
    assert.equal(decoded.stderr, '', 'ffmpeg decodes the stream pushed again without a message');
    assert.equal(decoded.code, 0);
    const [recovered] = await eventsOnceSeen('restream.recovered', good.id, 10_000);
    assert.ok(recovered!.data.recoveredAt);
    assert.equal(events('restream.recovered', bad.id).length, 0, 'the refused target never recovered');
  });

  it('applies a disable and a delete to the live pushes within seconds, leaving the other push alone', async () => {
    const before = (await byId(good.id))!.status.bytesSent;
    assert.equal(
      record(await api().patch(`/api/v1/stream-keys/${keyId}/push-targets/${bad.id}`, { enabled: false })).status,
      200,
    );
    await waitForState(bad.id, 'disabled', 5000);
    assert.equal(record(await api().delete(`/api/v1/stream-keys/${keyId}/push-targets/${bad.id}`)).status, 204);
    const remaining = await targets();
    assert.deepEqual(
      remaining.map((t) => [t.label, t.status.state]),
      [['Second RapidRTMP', 'live']],
    );
    await waitFor(
      'the good push keeps sending',
      async () => ((await byId(good.id))!.status.bytesSent > before ? true : undefined),
      10_000,
      250,
    );
  });

  it('refuses a loopback target with 400 on a server without OUTBOUND_ALLOW_CIDRS', async () => {
    const admin = (await ApiClient.login(`http://127.0.0.1:${target!.httpPort}`, ADMIN.email, ADMIN.password)).client;
    const key = (await admin.post('/api/v1/stream-keys', { label: 'strict' })).body;
    for (const [url, address] of [
      ['rtmp://127.0.0.1:1935/live', '127.0.0.1'],
      ['rtmp://0x7f.1/live', '127.0.0.1'],
      ['rtmps://[::1]/live', '::1'],
    ] as const) {
      const refused = await admin.post(`/api/v1/stream-keys/${key.id}/push-targets`, {
        label: 'x',
        url,
        streamKey: 'a-key-0123456789',
      });
      assert.equal(refused.status, 400, `${url}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.rule, 'loopback');
      assert.equal(refused.body.address, address);
      assert.match(refused.body.detail, /OUTBOUND_ALLOW_CIDRS/);
    }
    assert.deepEqual((await admin.get(`/api/v1/stream-keys/${key.id}/push-targets`)).body, []);
  });

  it('never returns or logs a target’s stream key', () => {
    const seen = JSON.stringify(answers);
    assert.ok(answers.length > 10);
    for (const secret of [targetKey.key, REFUSED_KEY]) {
      assert.ok(!seen.includes(secret), 'not in any API answer');
      assert.ok(!source!.server.output.includes(secret), 'not in the source server’s log');
      assert.ok(!receiver!.received.some((r) => r.body.includes(secret)), 'not in a webhook');
    }
    assert.ok(source!.server.output.includes('restream target live'), 'the log does speak of the pushes');
  });
});
