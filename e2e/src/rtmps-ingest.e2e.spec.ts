import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import {
  decodeWithFfmpeg,
  FfmpegPublisher,
  freePort,
  installCertificate,
  metricValue,
  queryRows,
  readMetric,
  scrapeMetrics,
  selfSignedCertificate,
  ServerProcess,
  type TestCertificate,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';
import { launchChromium } from '@rapidrtmp/test-support/browser';
import { ADMIN, type AdminServer, startAdminServer } from './support/admin-server.js';
import { artifactPath } from './support/browser.js';
import { fetchLiveEdge, fetchMultivariant, mediaPlaylistUrl } from './support/hls-live.js';
import { RawRtmpClient } from './support/raw-rtmp-client.js';

/*
 * RTMPS: the real server with a self-signed certificate this file makes, real ffmpeg publishing over TLS.
 * Short set-up bound and a small per-address cap, so the half-open cases finish quickly and the shared
 * caps can be shown with a few sockets.
 */

const HANDSHAKE_TIMEOUT_MS = 5000;
const MAX_CONNECTIONS_PER_IP = 24;
/** The server's timer starts at accept, ours at the connect callback, and both run on busy CPUs. */
const TIMER_SLACK_MS = 250;

/** A new TLS connection to the RTMPS port, as far as the handshake: the certificate it was served. */
function servedCertificate(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no TLS handshake within 10 s')));
  });
}

/** Resolves with how long `socket` stayed open after `openedAt`, once the server closes it. */
function lifetime(socket: TLSSocket, openedAt: number): Promise<number> {
  return new Promise((resolve) => socket.once('close', () => resolve(Date.now() - openedAt)));
}

describe('RTMPS ingest', { timeout: 240_000 }, () => {
  let node: AdminServer;
  let server: ServerProcess;
  let dir: string;
  let clip: string;
  let rtmpsPort: number;
  let original: TestCertificate;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rr-rtmps-'));
    mkdirSync(join(dir, 'tls'));
    original = await selfSignedCertificate(join(dir, 'tls'));
    [clip, rtmpsPort] = await Promise.all([testClip({}), freePort()]);
    node = await startAdminServer('rr_rtmps', {
      RTMPS_PORT: String(rtmpsPort),
      RTMPS_CERT_FILE: original.certFile,
      RTMPS_KEY_FILE: original.keyFile,
      RTMP_HANDSHAKE_TIMEOUT_MS: String(HANDSHAKE_TIMEOUT_MS),
      RTMP_MAX_CONNECTIONS_PER_IP: String(MAX_CONNECTIONS_PER_IP),
    });
    server = node.server;
  });

  after(async () => {
    await node?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The stream key the dashboard made (the publisher's), with its id and playback id from the API. */
  let studio: { key: string; streamKeyId: string; playbackId: string };

  const rtmpsUrl = (key: string) => `rtmps://127.0.0.1:${rtmpsPort}/live/${key}`;
  /** rapidrtmp_rtmp_rejected_total for one reason: RTMP and RTMPS count in the same series. */
  const rejected = (reason: string) => readMetric(server.baseUrl, 'rapidrtmp_rtmp_rejected_total', { reason });

  it('listens on RTMPS_PORT with the certificate, ready (rtmps check), expiry exported', async () => {
    const ready = (await (await fetch(`${server.baseUrl}/readyz`)).json()) as { info: Record<string, unknown> };
    assert.deepEqual([ready.info.rtmp, ready.info.rtmps], [{ status: 'up' }, { status: 'up' }], JSON.stringify(ready));
    assert.equal(await servedCertificate(rtmpsPort), original.fingerprint256);
    const notAfter = await readMetric(server.baseUrl, 'rapidrtmp_rtmps_certificate_expiry_timestamp_seconds');
    const hoursLeft = (notAfter * 1000 - Date.now()) / 3_600_000;
    assert.ok(hoursLeft > 23 && hoursLeft <= 24, `expires in ${hoursLeft} h`);
  });

  it("the key dialog's OBS settings name the rtmps:// server (and plain RTMP beside it)", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${server.baseUrl}/keys/`);
      await page.getByLabel(/^E-mail/).fill(ADMIN.email);
      await page.getByLabel(/^Password/).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'New stream key' }).first().click();
      const form = page.getByRole('dialog', { name: 'New stream key' });
      await form.getByLabel(/^Label/).fill('RTMPS studio');
      await form.getByRole('button', { name: 'Create key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Stream key “RTMPS studio”' });
      const value = (label: string) => dialog.getByLabel(label, { exact: true }).inputValue();
      // PUBLIC_URL is unset here: the host is localhost. The publish below uses the key from this dialog.
      assert.equal(await value('Server'), `rtmps://localhost:${rtmpsPort}/live`);
      assert.equal(await value('Server without TLS'), `rtmp://localhost:${server.rtmpPort}/live`);
      const key = await value('Stream Key');
      assert.match(key, /^live_/);
      await dialog.screenshot({ path: artifactPath('rtmps-key-dialog.png') });
      assert.deepEqual(problems, []);

      const { body: keys } =
        await node.admin.get<Array<{ id: string; label: string; playbackId: string }>>('/api/v1/stream-keys');
      const row = keys.find((k) => k.label === 'RTMPS studio');
      assert.ok(row, JSON.stringify(keys));
      studio = { key, streamKeyId: row.id, playbackId: row.playbackId };
    } finally {
      await browser.close();
    }
  });

  it('ffmpeg publishes over TLS, HLS decodes clean; the certificate files are replaced mid-stream: new connections get the new one, the publisher goes on', async () => {
    const publisher = FfmpegPublisher.start(rtmpsUrl(studio.key), ['-re', '-i', clip]);
    try {
      const multivariant = await waitFor('the multivariant playlist', () =>
        fetchMultivariant(server.baseUrl, studio.playbackId),
      );
      const mediaUrl = mediaPlaylistUrl(server.baseUrl, studio.playbackId, multivariant);
      await waitFor('the publisher as the one RTMPS connection', async () =>
        (await readMetric(server.baseUrl, 'rapidrtmp_rtmp_connections', { transport: 'rtmps' })) === 1
          ? true
          : undefined,
      );
      // A decoder reads the live HLS (init and segments) while the certificate is replaced under it.
      const decoding = decodeWithFfmpeg(`${server.baseUrl}/live/${studio.playbackId}/index.m3u8`, 10, 90_000);
      // And a player over RTMPS (RTMP play by playback id on the TLS port), on the certificate of before the swap.
      const playing = decodeWithFfmpeg(rtmpsUrl(studio.playbackId), 5, 60_000);

      const [session] = await queryRows<{ id: string }>(
        node.db.url,
        'SELECT id FROM stream_sessions WHERE stream_key_id = $1 AND ended_at IS NULL',
        [studio.streamKeyId],
      );
      assert.ok(session, 'a live session');
      const before = await fetchLiveEdge(mediaUrl);
      assert.ok(before, 'the media playlist');

      mkdirSync(join(dir, 'next'));
      const rotated = await installCertificate(await selfSignedCertificate(join(dir, 'next')), original);
      assert.notEqual(rotated.serialNumber, original.serialNumber);
      const swappedAt = Date.now();
      await waitFor(
        'a new connection to get the new certificate',
        async () => (await servedCertificate(rtmpsPort)) === rotated.fingerprint256 || undefined,
        20_000,
        100,
      );
      const reloadMs = Date.now() - swappedAt;
      const metrics = await scrapeMetrics(server.baseUrl);
      assert.equal(
        metricValue(metrics, 'rapidrtmp_rtmps_certificate_reloads_total', { result: 'success' }),
        1,
        'one reload',
      );
      assert.equal(
        metricValue(metrics, 'rapidrtmp_rtmps_certificate_expiry_timestamp_seconds'),
        Date.parse(new X509Certificate(rotated.cert).validTo) / 1000,
      );

      // The publisher, on the old certificate, goes on: same session, segments keep coming.
      assert.equal(publisher.child.exitCode, null, 'ffmpeg still publishing');
      const later = await waitFor(
        'two more segments after the swap',
        async () => {
          const edge = await fetchLiveEdge(mediaUrl);
          return edge && edge.lastSegment >= before.lastSegment + 2 ? edge : undefined;
        },
        20_000,
        200,
      );
      assert.equal(later.ended, false);
      const sessions = await queryRows<{ id: string; ended_at: Date | null }>(
        node.db.url,
        'SELECT id, ended_at FROM stream_sessions WHERE stream_key_id = $1',
        [studio.streamKeyId],
      );
      assert.deepEqual(sessions, [{ id: session.id, ended_at: null }], 'the same session, still live');

      // One publish gate for both ports: plain RTMP on the key live over RTMPS is refused.
      const second = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${studio.key}`, [
        '-re',
        '-i',
        clip,
      ]);
      const secondExit = await second.waitForExit(20_000);
      assert.notEqual(secondExit.code, 0, 'the second publisher is refused');
      assert.equal(publisher.child.exitCode, null, 'the RTMPS publisher keeps streaming');

      const decoded = await decoding;
      assert.equal(decoded.code, 0, decoded.stderr);
      assert.equal(decoded.stderr.trim(), '', 'ffmpeg decodes the HLS output with no error');
      const played = await playing;
      assert.equal(played.code, 0, played.stderr);
      assert.equal(played.stderr.trim(), '', 'ffmpeg plays rtmps://…/live/<playbackId> with no error');

      const exit = await publisher.waitForExit(60_000);
      assert.equal(exit.code, 0, exit.stderr);
      const [ended] = await waitFor('the session to end', async () => {
        const rows = await queryRows<{ id: string; end_reason: string | null; bytes_in: string }>(
          node.db.url,
          'SELECT id, end_reason, bytes_in FROM stream_sessions WHERE stream_key_id = $1 AND ended_at IS NOT NULL',
          [studio.streamKeyId],
        );
        return rows.length ? rows : undefined;
      });
      assert.equal(ended!.id, session.id);
      assert.equal(ended!.end_reason, 'publisher_disconnect');
      assert.ok(Number(ended!.bytes_in) > 1_000_000, `bytes_in ${ended!.bytes_in}`);
      assert.equal(server.output.includes(studio.key), false, 'the stream key never appears in the log');
      console.log(`certificate served to new connections ${reloadMs} ms after the files were replaced`);
    } finally {
      await publisher.stop();
    }
  });

  it('refuses a wrong key over RTMPS as over RTMP, and counts a client that does not speak TLS', async () => {
    const [badKeysBefore, tlsErrorsBefore] = [await rejected('bad_key'), await rejected('tls_error')];
    const refused = await FfmpegPublisher.start(rtmpsUrl('live_not_a_real_key_at_all_000000'), [
      '-re',
      '-i',
      clip,
    ]).waitForExit(20_000);
    assert.ok(refused.code !== 0 && !refused.timedOut, `ffmpeg is disconnected, not left hanging: ${refused.code}`);
    assert.equal(await rejected('bad_key'), badKeysBefore + 1);

    // Plain RTMP to the RTMPS port: a TLS error, closed by the handshake itself (not by the timer).
    const plain = await RawRtmpClient.open(rtmpsPort);
    plain.write(Buffer.concat([Buffer.from([3]), Buffer.alloc(1536)]));
    const lived = await plain.expectClosed(HANDSHAKE_TIMEOUT_MS + 5000);
    assert.ok(lived < HANDSHAKE_TIMEOUT_MS, `closed after ${lived} ms`);
    await waitFor('tls_error counted', async () => (await rejected('tls_error')) === tlsErrorsBefore + 1 || undefined);
  });

  it('closes a socket that never starts TLS, and one that finishes TLS but never speaks RTMP, at the handshake timeout', async () => {
    const timeoutsBefore = await rejected('handshake_timeout');
    const silent = await RawRtmpClient.open(rtmpsPort);
    const tlsOpenedAt = Date.now();
    const tlsOnly = await new Promise<TLSSocket>((resolve, reject) => {
      const socket = connectTls({ host: '127.0.0.1', port: rtmpsPort, rejectUnauthorized: false }, () =>
        resolve(socket),
      );
      socket.once('error', reject);
    });
    tlsOnly.on('error', () => undefined);
    const [silentLived, tlsLived] = await Promise.all([
      silent.expectClosed(HANDSHAKE_TIMEOUT_MS + 10_000),
      lifetime(tlsOnly, tlsOpenedAt),
    ]);
    for (const [what, lived] of [
      ['silent TCP', silentLived],
      ['TLS only', tlsLived],
    ] as const) {
      assert.ok(
        lived >= HANDSHAKE_TIMEOUT_MS - TIMER_SLACK_MS,
        `${what}: closed after ${lived} ms, before the timeout`,
      );
      assert.ok(lived < HANDSHAKE_TIMEOUT_MS + 5000, `${what}: closed after ${lived} ms`);
    }
    await waitFor(
      'both counted as handshake timeouts',
      async () => (await rejected('handshake_timeout')) === timeoutsBefore + 2 || undefined,
    );
  });

  it('shares the connection caps with RTMP: half-open sockets on both ports past the per-address cap shed the oldest', async () => {
    await waitFor('no connection left over', async () =>
      (await readMetric(server.baseUrl, 'rapidrtmp_rtmp_connections')) === 0 ? true : undefined,
    );
    const shedBefore = await readMetric(server.baseUrl, 'rapidrtmp_rtmp_connections_shed_total', {
      limit: 'max_connections_per_ip',
    });
    const half = MAX_CONNECTIONS_PER_IP / 2;
    // Oldest first: the RTMPS ones, then as many on RTMP; then three more on RTMPS.
    const rtmpsSockets = await Promise.all(Array.from({ length: half }, () => RawRtmpClient.open(rtmpsPort)));
    await waitFor('the RTMPS ones admitted first', async () =>
      (await readMetric(server.baseUrl, 'rapidrtmp_rtmp_connections', { transport: 'rtmps' })) === half
        ? true
        : undefined,
    );
    const rtmpSockets = await Promise.all(Array.from({ length: half }, () => RawRtmpClient.open(server.rtmpPort)));
    await waitFor('all admitted', async () =>
      (await readMetric(server.baseUrl, 'rapidrtmp_rtmp_connections')) === MAX_CONNECTIONS_PER_IP ? true : undefined,
    );
    const metrics = await scrapeMetrics(server.baseUrl);
    assert.equal(metricValue(metrics, 'rapidrtmp_rtmp_connections', { transport: 'rtmps' }), half);
    assert.equal(metricValue(metrics, 'rapidrtmp_rtmp_connections', { transport: 'rtmp' }), half);
    const newcomers = [];
    for (let i = 0; i < 3; i++) newcomers.push(await RawRtmpClient.open(rtmpsPort));
    try {
      await waitFor('three shed', async () =>
        (await readMetric(server.baseUrl, 'rapidrtmp_rtmp_connections_shed_total', {
          limit: 'max_connections_per_ip',
        })) ===
        shedBefore + 3
          ? true
          : undefined,
      );
      // The oldest three (on the RTMPS port) were closed, well before their handshake timeout.
      for (const shed of rtmpsSockets.slice(0, 3)) assert.ok((await shed.expectClosed(2000)) < HANDSHAKE_TIMEOUT_MS);
      assert.equal(
        [...rtmpsSockets.slice(3), ...rtmpSockets, ...newcomers].filter((s) => s.closed).length,
        0,
        'the others are open',
      );
    } finally {
      for (const socket of [...rtmpsSockets, ...rtmpSockets, ...newcomers]) socket.destroy();
    }
  });

  it('refuses to start on a certificate and a key that do not belong together, naming the settings', async () => {
    mkdirSync(join(dir, 'other'));
    const other = await selfSignedCertificate(join(dir, 'other'));
    const [httpPort, rtmpPort] = [await freePort(), await freePort()];
    const failing = ServerProcess.spawn(
      {
        env: {
          DATABASE_URL: node.db.url,
          RTMPS_PORT: String(await freePort()),
          RTMPS_CERT_FILE: other.certFile,
          RTMPS_KEY_FILE: original.keyFile,
        },
      },
      httpPort,
      rtmpPort,
    );
    try {
      const exit = await Promise.race([
        failing.waitForExit(),
        new Promise<undefined>((resolve) => setTimeout(resolve, 60_000)),
      ]);
      assert.ok(exit, `still running:\n${failing.output}`);
      assert.notEqual(exit.code, 0);
      assert.match(failing.output, /RTMPS_CERT_FILE \/ RTMPS_KEY_FILE: .*key values mismatch/);
    } finally {
      await failing.stop('SIGKILL');
    }
  });
});
