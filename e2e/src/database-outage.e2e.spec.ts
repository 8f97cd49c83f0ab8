import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import {
  FfmpegPublisher,
  metricValue,
  queryRows,
  scrapeMetrics,
  type SeededKey,
  seedPublisher,
  ServerProcess,
  sleep,
  TcpProxy,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';
import { fetchLiveEdge, fetchMultivariant, mediaPlaylistUrl } from './support/hls-live.js';

const run = promisify(execFile);
const SEGMENT_SECONDS = 2;
const OUTAGE_MS = 30_000;

interface SessionRow {
  id: string;
  started_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
  bytes_in: string;
  video_codec: string | null;
}

/** When each new segment of a live playlist was first listed, from polling it throughout. */
class PlaylistWatch {
  readonly firstSeen = new Map<number, number>();
  failures = 0;
  polls = 0;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly mediaUrl: string) {
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** The longest wait for the next segment between `from` and `to` (ms), as a viewer polling saw it. */
  longestGap(from: number, to: number): number {
    const times = [...this.firstSeen.values()].filter((t) => t >= from && t <= to).sort((a, b) => a - b);
    let longest = 0;
    for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i]! - times[i - 1]!);
    return longest;
  }

  segmentsBetween(from: number, to: number): number[] {
    return [...this.firstSeen].filter(([, t]) => t >= from && t <= to).map(([msn]) => msn);
  }

  private async poll(): Promise<void> {
    // Bounded: the test ends it long before; 250 ms apart, as a player reloads a 2 s playlist (and faster).
    for (let i = 0; this.running && i < 2000; i++) {
      this.polls++;
      try {
        const edge = await fetchLiveEdge(this.mediaUrl);
        if (!edge) this.failures++;
        else
          for (const uri of edge.segments) {
            const msn = Number(/^seg-(\d+)\.m4s$/.exec(uri)![1]);
            if (!this.firstSeen.has(msn)) this.firstSeen.set(msn, Date.now());
          }
      } catch {
        this.failures++;
      }
      await sleep(250);
    }
  }
}

async function readiness(baseUrl: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text() };
}

async function mediaUrlOf(server: ServerProcess, playbackId: string): Promise<string> {
  const multivariant = await waitFor(
    `the multivariant playlist of ${playbackId}`,
    () => fetchMultivariant(server.baseUrl, playbackId),
    20_000,
    200,
  );
  return mediaPlaylistUrl(server.baseUrl, playbackId, multivariant);
}

async function sessionsOf(db: TestDatabase, key: SeededKey): Promise<SessionRow[]> {
  return queryRows<SessionRow>(
    db.url,
    `SELECT id, started_at, ended_at, end_reason, bytes_in, video_codec FROM stream_sessions
     WHERE stream_key_id = $1 ORDER BY started_at`,
    [key.streamKeyId],
  );
}

describe('database outage: PostgreSQL unreachable for 30 s while streams are live', { timeout: 170_000 }, () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let server: ServerProcess;
  let clip: string;
  let live: SeededKey;
  let recent: SeededKey;
  let unseen: SeededKey;

  before(async () => {
    db = await createTestDatabase('rr_db_outage');
    [proxy, clip] = await Promise.all([
      TcpProxy.start({ port: Number(new URL(TEST_POSTGRES_URL).port || 5432) }),
      testClip({ seconds: 90 }),
    ]);
    // The server reaches PostgreSQL only through the proxy; the test reads and seeds it directly.
    server = await ServerProcess.start({ env: { DATABASE_URL: proxy.rewrite(db.url) } });
    [live, recent, unseen] = await Promise.all([
      seedPublisher(db.url, { label: 'live' }),
      seedPublisher(db.url, { label: 'recent' }),
      seedPublisher(db.url, { label: 'unseen' }),
    ]);
  });

  after(async () => {
    await server?.stop();
    await proxy?.close();
    await db?.drop();
  });

  it('keeps ingest and HLS going, authorizes recently seen keys from the cache, and loses no history', async () => {
    const rtmp = (key: SeededKey) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`;
    const publisher = FfmpegPublisher.start(rtmp(live), ['-re', '-i', clip]);
    const mediaUrl = await mediaUrlOf(server, live.playbackId);
    const watch = new PlaylistWatch(mediaUrl);
    await waitFor('two segments before the cut', () => watch.firstSeen.size >= 2, 20_000);

    // The "recent" key is used once while the database is up, so the authorizer has seen it.
    const warmup = FfmpegPublisher.start(rtmp(recent), ['-re', '-t', '3', '-i', clip]);
    assert.equal((await warmup.waitForExit(20_000)).code, 0, warmup.log);

    const cutAt = Date.now();
    proxy.cut('hold');

    const down = await waitFor(
      '/readyz to report the database down',
      async () => {
        const ready = await readiness(server.baseUrl);
        return ready.body.includes('"status":"degraded"') ? ready : undefined;
      },
      15_000,
      250,
    );
    // Degraded, not unready: every node loses the database at once, and a Service with no ready pod would
    // stop the live streams that keep playing.
    assert.equal(down.status, 200);
    assert.match(down.body, /"database":\{[^}]*"status":"down"/, 'readiness names the database');

    // A key the server authorized a minute ago goes live from the key cache …
    const duringOutage = FfmpegPublisher.start(rtmp(recent), ['-re', '-i', clip]);
    const recentMedia = await mediaUrlOf(server, recent.playbackId);
    // Any time within the cut: until the server has noticed the outage, the key's lookup waits for the pool's
    // query_timeout (10 s, longer behind other stuck statements) before the cache answers.
    await waitFor(
      'segments of the publish made during the outage',
      async () => ((await fetchLiveEdge(recentMedia))?.segments.length ?? 0) >= 2,
      Math.max(20_000, cutAt + OUTAGE_MS - 2_000 - Date.now()),
      250,
    );
    assert.equal(duringOutage.child.exitCode, null, duringOutage.log);
    const recentStoppedAt = Date.now();
    await duringOutage.stop();

    // … a key it never saw is refused, with the reason in the status description.
    const refused = await FfmpegPublisher.start(rtmp(unseen), ['-re', '-i', clip]).waitForExit(20_000);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Server error: .*database unreachable/, refused.stderr);
    assert.match(server.output, /"reason":"database_unavailable"[^\n]*publish refused/);

    const duringCut = await scrapeMetrics(server.baseUrl);
    assert.equal(metricValue(duringCut, 'rapidrtmp_database_up'), 0);
    const queued =
      metricValue(duringCut, 'rapidrtmp_database_deferred_writes') +
      metricValue(duringCut, 'rapidrtmp_recording_segment_log_rows');
    assert.ok(queued > 0, 'history writes wait in the queues during the outage');

    await sleep(Math.max(0, cutAt + OUTAGE_MS - Date.now()));
    assert.ok(proxy.accepted > 0);
    const restoredAt = Date.now();
    proxy.restore();

    await waitFor(
      '/readyz to be ready again',
      async () => (await readiness(server.baseUrl)).body.includes('"status":"ok"'),
      30_000,
      250,
    );
    const readyAfterMs = Date.now() - restoredAt;
    await waitFor(
      'the queued writes to drain',
      async () => {
        const samples = await scrapeMetrics(server.baseUrl);
        return (
          metricValue(samples, 'rapidrtmp_database_up') === 1 &&
          metricValue(samples, 'rapidrtmp_database_deferred_writes') === 0
        );
      },
      20_000,
      250,
    );
    const drainedAfterMs = Date.now() - restoredAt;

    await sleep(3 * SEGMENT_SECONDS * 1000);
    const stoppedAt = Date.now();
    await publisher.stop();
    await watch.stop();

    // HLS went on through the cut: a new segment at least every two segment durations (plus slack).
    const during = watch.segmentsBetween(cutAt, restoredAt);
    const gap = watch.longestGap(cutAt - 2 * SEGMENT_SECONDS * 1000, stoppedAt);
    console.log(
      `database outage: ${during.length} segments during the ${OUTAGE_MS / 1000} s cut, longest wait for a ` +
        `segment ${gap} ms, ${watch.failures}/${watch.polls} playlist polls failed; ready ${readyAfterMs} ms and ` +
        `writes drained ${drainedAfterMs} ms after the database came back`,
    );
    assert.equal(watch.failures, 0, 'every playlist poll answered 200');
    assert.ok(during.length >= OUTAGE_MS / 1000 / SEGMENT_SECONDS - 3, `${during.length} segments during the cut`);
    assert.ok(gap <= 2 * SEGMENT_SECONDS * 1000 + 2000, `longest gap ${gap} ms`);
    assert.ok(server.child.exitCode === null, 'the server never restarted');

    // History: the live session ends as the publisher left it, with the right time.
    const liveSession = await waitFor(
      'the live session to end',
      async () => (await sessionsOf(db, live)).find((s) => s.ended_at),
      20_000,
      250,
    );
    assert.equal(liveSession.end_reason, 'publisher_disconnect');
    assert.ok(liveSession.started_at.getTime() < cutAt);
    assert.ok(Math.abs(liveSession.ended_at!.getTime() - stoppedAt) < 5000, `ended ${String(liveSession.ended_at)}`);
    assert.ok(Number(liveSession.bytes_in) > 1_000_000);
    assert.match(liveSession.video_codec ?? '', /^avc1\./);

    // The publish made during the outage has its row, written after it, with its own start and end.
    const recentSessions = await sessionsOf(db, recent);
    assert.equal(recentSessions.length, 2, 'the warm-up and the publish during the outage');
    const outageSession = recentSessions[1]!;
    assert.ok(outageSession.started_at.getTime() > cutAt && outageSession.started_at.getTime() < restoredAt);
    assert.equal(outageSession.end_reason, 'publisher_disconnect');
    assert.ok(
      Math.abs(outageSession.ended_at!.getTime() - recentStoppedAt) < 5000,
      `ended ${String(outageSession.ended_at)}`,
    );
    assert.match(outageSession.video_codec ?? '', /^avc1\./);
    assert.deepEqual(await sessionsOf(db, unseen), []);

    // Recordings list every segment, the ones packaged during the cut included, and play back.
    const recording = await waitFor(
      'the recording to be finalized',
      async () => {
        const [row] = await queryRows<{ status: string; segment_count: number; gaps: number }>(
          db.url,
          `SELECT status, segment_count, gaps FROM recordings WHERE id = $1`,
          [liveSession.id],
        );
        return row && row.status !== 'recording' ? row : undefined;
      },
      30_000,
      250,
    );
    assert.equal(recording.status, 'complete');
    assert.equal(recording.gaps, 0);
    const rows = await queryRows<{ msn: number; state: string }>(
      db.url,
      `SELECT msn, state FROM recording_segments WHERE recording_id = $1 ORDER BY msn`,
      [liveSession.id],
    );
    const msns = rows.map((r) => r.msn);
    assert.deepEqual(
      msns,
      msns.map((_, i) => i),
      'no segment missing from the list',
    );
    for (const msn of watch.firstSeen.keys()) assert.ok(msns.includes(msn), `seg-${msn} is in the recording`);
    assert.ok(rows.every((r) => r.state === 'stored'));
    assert.equal(recording.segment_count, rows.length);
    const [outageRecording] = await queryRows<{ status: string; segment_count: number }>(
      db.url,
      `SELECT status, segment_count FROM recordings WHERE id = $1`,
      [outageSession.id],
    );
    assert.equal(outageRecording?.status, 'complete');
    assert.ok(outageRecording.segment_count >= 2);

    // The segments packaged during the cut decode: the whole recording, through the VOD playlist.
    const vod = await run(
      'ffmpeg',
      ['-v', 'error', '-i', `${server.baseUrl}/vod/${liveSession.id}/index.m3u8`, '-f', 'null', '-'],
      {
        timeout: 60_000,
      },
    );
    assert.equal(vod.stderr.trim(), '', 'the recording decodes without an error');

    const afterwards = await scrapeMetrics(server.baseUrl);
    assert.equal(metricValue(afterwards, 'rapidrtmp_database_deferred_writes_dropped_total'), 0);
    assert.equal(metricValue(afterwards, 'rapidrtmp_recording_segment_log_dropped_total'), 0);
    assert.ok(metricValue(afterwards, 'rapidrtmp_database_outages_total') >= 1);
  });
});
