// Soak: SOAK_PUBLISHERS real ffmpeg publishers (-re, looped, -c copy of the live-load clip) and SOAK_VIEWERS
// LL-HLS viewers (blocking playlist reloads for the next part, then the new parts) against one server for
// SOAK_SECONDS after a warm-up. Prints the server's RSS at the start and end of the window, its slope
// (least squares over samples) and drift, the event-loop delay p99 the server reports, HTTP errors, the part
// delivery delay and stalls (a viewer without a new part for more than 3 part durations).
//
//   node bench/dist/soak.bench.js
//   SOAK_SECONDS=600 SOAK_PUBLISHERS=25 SOAK_VIEWERS=200 SOAK_WARMUP_SECONDS=60 SOAK_RECORDING=0
//   BENCH_SERVER_ENV=HLS_PART_SECONDS=0.5 BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
import { setMaxListeners } from 'node:events';
import { LIVE_CLIP, metricValue, queryRows, scrapeMetrics, sleep, testClip } from '@rapidrtmp/test-support';
import {
  clipLabel,
  envNumber,
  fmt,
  percentile,
  requireFfmpegAndServer,
  rssBytes,
  runFooter,
  runHeader,
  serverEnv,
  table,
} from './bench-support.js';
import { Cleanup, runBenchmark, startPublishers } from './bench-lifecycle.js';
import { startServer, waitLive } from './bench-server.js';
import { createDatabase, seedPublishers } from './bench-database.js';
import { LlHlsClient, PartClock, Recorder } from './ll-hls-client.js';

const SECONDS = Math.max(10, envNumber('SOAK_SECONDS', 600));
const PUBLISHERS = Math.min(50, Math.max(1, Math.floor(envNumber('SOAK_PUBLISHERS', 25))));
const VIEWERS = Math.min(1000, Math.max(1, Math.floor(envNumber('SOAK_VIEWERS', 200))));
const WARMUP_SECONDS = Math.max(0, envNumber('SOAK_WARMUP_SECONDS', 60));
/** Recording writes ~20 MB per stream-minute to the temp dir: off unless asked for. */
const RECORDING = process.env.SOAK_RECORDING === '1';
const SERVER_ENV = serverEnv();
const PART_SECONDS = Number(SERVER_ENV.HLS_PART_SECONDS ?? 0.5);
/** A viewer with no new part for longer than this has stalled. */
const STALL_MS = 3 * PART_SECONDS * 1000;
const SAMPLE_MS = 5000;
const RAMP_SECONDS = 10;
const DRAIN_MS = 3000;
const MB = 1024 * 1024;

interface Sample {
  at: number;
  rssMb: number;
  /** rapidrtmp_event_loop_delay_p99_seconds (the server's own 5 s windows), ms. */
  loopP99Ms: number;
  /** nodejs_eventloop_lag_p99_seconds (prom-client's default metric), ms; NaN when absent. */
  nodeLagP99Ms: number;
}

/** Least-squares slope of y over x. */
function slope(points: Array<{ x: number; y: number }>): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return sxx === 0 ? NaN : sxy / sxx;
}

async function sample(baseUrl: string, pid: number): Promise<Sample> {
  const rssMb = rssBytes(pid) / MB;
  try {
    const metrics = await scrapeMetrics(baseUrl);
    const lag = metrics.some((m) => m.name === 'nodejs_eventloop_lag_p99_seconds')
      ? metricValue(metrics, 'nodejs_eventloop_lag_p99_seconds') * 1000
      : NaN;
    return {
      at: Date.now(),
      rssMb,
      loopP99Ms: metricValue(metrics, 'rapidrtmp_event_loop_delay_p99_seconds') * 1000,
      nodeLagP99Ms: lag,
    };
  } catch {
    return { at: Date.now(), rssMb, loopP99Ms: NaN, nodeLagP99Ms: NaN };
  }
}

/** Per viewer, the gaps between consecutive new parts inside the window (and from the last one to its end). */
function viewerGaps(recorders: Recorder[], window: { start: number; end: number }): Map<number, number[]> {
  const times = new Map<number, number[]>();
  for (const recorder of recorders) {
    for (const receipt of recorder.receipts) {
      if (receipt.backlog || receipt.at < window.start || receipt.at > window.end) continue;
      let list = times.get(receipt.client);
      if (!list) times.set(receipt.client, (list = []));
      list.push(receipt.at);
    }
  }
  const gaps = new Map<number, number[]>();
  for (let client = 0; client < VIEWERS; client++) {
    const list = (times.get(client) ?? []).sort((a, b) => a - b);
    const edges = [window.start, ...list, window.end];
    gaps.set(
      client,
      edges.slice(1).map((at, i) => at - edges[i]!),
    );
  }
  return gaps;
}

/** receipt - end of the part's media on the origin's clock (PDT + parts before it + its duration), ms. */
function deliveryDelays(recorders: Recorder[], clocks: PartClock[], window: { start: number; end: number }): number[] {
  const delays: number[] = [];
  recorders.forEach((recorder, stream) => {
    for (const receipt of recorder.receipts) {
      if (receipt.backlog || receipt.at < window.start || receipt.at > window.end) continue;
      const end = clocks[stream]!.end(receipt.uri);
      if (end !== undefined) delays.push(receipt.at - end);
    }
  });
  return delays;
}

async function main(): Promise<void> {
  const started = Date.now();
  requireFfmpegAndServer();
  const clip = await testClip(LIVE_CLIP, console.log);
  console.log(runHeader('RapidRTMP soak'));
  console.log(
    `${PUBLISHERS} publishers (${clipLabel(LIVE_CLIP)}, looped), ${VIEWERS} LL-HLS viewers, ${WARMUP_SECONDS} s warm-up, ` +
      `${SECONDS} s measured, recording ${RECORDING ? 'on' : 'off'}, part ${PART_SECONDS} s`,
  );
  const cleanup = new Cleanup();
  const stop = new AbortController();
  setMaxListeners(VIEWERS + 10, stop.signal); // one per viewer
  try {
    const databaseUrl = await createDatabase(cleanup, 'rr_soak');
    const server = await startServer(cleanup, databaseUrl, { env: SERVER_ENV });
    const pid = server.child.pid!;
    const keys = await seedPublishers(databaseUrl, PUBLISHERS);
    if (!RECORDING) await queryRows(databaseUrl, 'UPDATE stream_keys SET recording_enabled = false');
    const publishers = startPublishers(
      cleanup,
      clip,
      keys.map((k) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${k.key}`),
    );
    await waitLive(
      server.baseUrl,
      keys.map((k) => k.playbackId),
    );
    console.log(`  ${PUBLISHERS} streams live after ${((Date.now() - started) / 1000).toFixed(0)} s`);

    // One recorder and part clock per stream: part names repeat across streams.
    const recorders = keys.map(() => new Recorder());
    const clocks = keys.map(() => new PartClock());
    cleanup.add('viewers', () => stop.abort());
    const deadline = Date.now() + (RAMP_SECONDS + WARMUP_SECONDS + SECONDS + 30) * 1000;
    const viewers = Array.from({ length: VIEWERS }, async (_, i) => {
      await sleep((i * RAMP_SECONDS * 1000) / VIEWERS);
      const stream = i % PUBLISHERS;
      const viewer = new LlHlsClient(
        server.baseUrl,
        keys[stream]!.playbackId,
        `soak viewer ${i}`,
        recorders[stream]!,
        clocks[stream]!,
        stop.signal,
        0,
        i,
      );
      await viewer.run(deadline);
    });
    await sleep((RAMP_SECONDS + WARMUP_SECONDS) * 1000);

    const window = { start: Date.now(), end: Infinity };
    for (const recorder of recorders) recorder.window.start = window.start;
    const samples: Sample[] = [await sample(server.baseUrl, pid)];
    const rounds = Math.ceil((SECONDS * 1000) / SAMPLE_MS);
    for (let round = 0; round < rounds && Date.now() - window.start < SECONDS * 1000; round++) {
      await sleep(Math.min(SAMPLE_MS, SECONDS * 1000 - (Date.now() - window.start)));
      samples.push(await sample(server.baseUrl, pid));
      if (round % 12 === 11)
        console.log(
          `  ${((Date.now() - window.start) / 1000).toFixed(0)} s: RSS ${fmt(samples.at(-1)!.rssMb)} MB, loop p99 ${fmt(samples.at(-1)!.loopP99Ms, 1)} ms`,
        );
    }
    window.end = Date.now();
    for (const recorder of recorders) recorder.window.end = window.end;
    const alive = publishers.children.filter((c) => c.exitCode === null && c.signalCode === null).length;
    stop.abort();
    await Promise.race([Promise.all(viewers), sleep(DRAIN_MS)]);

    // ---- results
    const minutes = (window.end - window.start) / 60_000;
    const rssSlope = slope(samples.map((s) => ({ x: (s.at - window.start) / 60_000, y: s.rssMb })));
    const first = samples[0]!;
    const last = samples.at(-1)!;
    const fittedStart = percentile(
      samples.slice(0, 3).map((s) => s.rssMb),
      50,
    );
    const drift = ((rssSlope * minutes) / fittedStart) * 100;
    const loop = samples.map((s) => s.loopP99Ms).filter(Number.isFinite);
    const nodeLag = samples.map((s) => s.nodeLagP99Ms).filter(Number.isFinite);
    const errors = recorders.reduce(
      (n, r) => n + [...r.outcomes].filter(([key]) => !key.endsWith(' 200')).reduce((a, [, c]) => a + c, 0),
      0,
    );
    const requests = recorders.reduce((n, r) => n + r.windowRequests, 0);
    const failures = recorders.map((r) => r.failures()).filter((f) => f !== 'none');
    const delays = deliveryDelays(recorders, clocks, window);
    const gaps = viewerGaps(recorders, window);
    const stalls = [...gaps.values()].map((g) => g.filter((gap) => gap > STALL_MS));
    // A loop, not Math.max(...): a 10-minute run has more gaps than the call stack takes arguments.
    const longest = largest([...gaps.values()].flat());
    console.log('');
    console.log(
      table(
        ['figure', 'value'],
        [
          ['window s', fmt(minutes * 60)],
          ['RSS at start MB (after warm-up)', fmt(first.rssMb, 1)],
          ['RSS at end MB', fmt(last.rssMb, 1)],
          ['RSS slope MB/min (least squares)', fmt(rssSlope, 2)],
          ['RSS drift % over the window', fmt(drift, 1)],
          [
            'event-loop delay p99 ms: median / max of 5 s windows',
            `${fmt(percentile(loop, 50), 1)} / ${fmt(largest(loop), 1)}`,
          ],
          [
            'nodejs_eventloop_lag_p99 ms: median / max',
            `${fmt(percentile(nodeLag, 50), 1)} / ${fmt(largest(nodeLag), 1)}`,
          ],
          ['HTTP requests in window', fmt(requests)],
          ['HTTP errors (whole run)', fmt(errors)],
          [
            'part delivery delay ms p50 / p95 / p99',
            `${fmt(percentile(delays, 50))} / ${fmt(percentile(delays, 95))} / ${fmt(percentile(delays, 99))}`,
          ],
          ['parts delivered in window', fmt(delays.length)],
          [`stalls (no new part > ${fmt(STALL_MS)} ms)`, fmt(stalls.reduce((n, s) => n + s.length, 0))],
          ['viewers that stalled', `${stalls.filter((s) => s.length > 0).length} / ${VIEWERS}`],
          ['longest gap between parts ms', fmt(longest)],
          ['publishers alive at the end', `${alive} / ${PUBLISHERS}`],
        ],
      ),
    );
    if (failures.length > 0) console.log(`errors: ${failures.join('; ')}`);
    console.log('');
    console.log(
      [
        'How it is measured:',
        `- The server (real process, fresh PostgreSQL database) with ${PUBLISHERS} ffmpeg -re -stream_loop -1 -c copy publishers; viewers`,
        `  are ${VIEWERS} LL-HLS players in this process (ll-hls-client.ts, as edge-fanout): multivariant, media playlist, init, then`,
        '  blocking reloads (_HLS_msn/_HLS_part of the preload hint) and every new part; spread evenly over the streams, joining over',
        `  ${RAMP_SECONDS} s; then ${WARMUP_SECONDS} s warm-up; then the window.`,
        `- RSS: VmRSS of the server every ${SAMPLE_MS / 1000} s; slope = least squares over those samples; drift = slope x window / RSS at start.`,
        '- Event-loop delay: what the server itself reports in /metrics, scraped with each RSS sample (its p99 over its own windows).',
        '- Delivery delay: time a viewer had a part (whole body read) - end of that part on the origin clock (segment PDT + durations',
        "  of the parts up to and including it; PDT = wall clock at the first keyframe's arrival + media time). It includes the",
        "  packager's one-sample hold-back and ffmpeg -re's head start; joins (backlog) are left out.",
        `- Stall: a viewer with no new part for more than 3 part durations (${fmt(STALL_MS)} ms) inside the window (or since its start).`,
        '- HTTP errors: any answer but 200, timeouts (10 s) and connection errors, over the whole run.',
      ].join('\n'),
    );
  } finally {
    stop.abort();
    await cleanup.run();
  }
  console.log(runFooter(started));
}

await runBenchmark(main, SECONDS + WARMUP_SECONDS + RAMP_SECONDS + 300);

/** The largest value (0 for none), without spreading a large array into arguments. */
function largest(values: readonly number[]): number {
  let most = 0;
  for (const value of values) if (value > most) most = value;
  return most;
}
