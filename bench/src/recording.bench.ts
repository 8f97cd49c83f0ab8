// Recording cost: N ffmpeg publishers (-re, looped, -c copy of the 720p30 2.5 Mbit/s clip) against the real
// built server, three phases in one run:
//   1. OFF / ON: one server, local storage (DATA_DIR/media), stream_keys.recording_enabled false then true
//      for every seeded key; server CPU % and RSS per phase.
//   2. Uploads during ON: bytes that reached DATA_DIR/media/recordings per second vs bytes ingested, segments
//      hard-linked from the live spill (no upload), and upload latency p50/p95 from the
//      rapidrtmp_storage_upload_seconds histogram (window delta; with links, only what was copied).
//   3. Back end down: a second server with STORAGE=gcs against a FakeGcsServer in this process that answers
//      503 the whole window; queue bytes sampled every 250 ms vs STORAGE_QUEUE_MAX_BYTES, spool, RSS.
//
//   node bench/dist/recording.bench.js
//   BENCH_STREAMS=10 BENCH_WINDOW_SECONDS=25 (0: no local phases) BENCH_OUTAGE_SECONDS=30 (0: no outage)
//   BENCH_QUEUE_MAX_MIB=64 BENCH_ON_FIRST=1
//   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
import type { ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { FakeGcsServer } from '@rapidrtmp/server-storage/testing';
import {
  LIVE_CLIP,
  type MetricSample,
  metricValue,
  scrapeMetrics,
  sleep,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';
import {
  clipLabel,
  cpuSeconds,
  envNumber,
  fmt,
  requireFfmpegAndServer,
  rssBytes,
  runFooter,
  runHeader,
  table,
} from './bench-support.js';
import { Cleanup, runBenchmark, startPublishers } from './bench-lifecycle.js';
import { type BenchServer as Server, startServer, waitLive } from './bench-server.js';
import { createDatabase, seedPublishers, type SeededKey } from './bench-database.js';

const STREAMS = Math.min(50, Math.max(1, Math.floor(envNumber('BENCH_STREAMS', 10))));
const WINDOW_SECONDS = envNumber('BENCH_WINDOW_SECONDS', 25);
const OUTAGE_SECONDS = envNumber('BENCH_OUTAGE_SECONDS', 30);
const QUEUE_MAX_BYTES = Math.max(1, envNumber('BENCH_QUEUE_MAX_MIB', 64)) * 1024 * 1024;
/** Phase order of part 1: OFF then ON (default), or ON then OFF with BENCH_ON_FIRST=1. */
const ON_FIRST = process.env.BENCH_ON_FIRST === '1';
const WARMUP_SECONDS = 2;
/** How long after start the first idle baseline waits at most for V8's memory reducer (see live-load). */
const MEMORY_REDUCER_WAIT_MS = envNumber('BENCH_REDUCER_WAIT_MS', 30_000);
const SAMPLE_MS = 250;
const MAX_SECONDS = 300;
const BUCKET = 'rr-bench-recordings';
const MB = 1024 * 1024;

// ---- everything started here, stopped in finally ----------------------------------------------------

// ---- database -----------------------------------------------------------------------------------------

/** Sets stream_keys.recording_enabled of the seeded keys (read by the server at each publish). */
async function setRecording(databaseUrl: string, keys: SeededKey[], enabled: boolean): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const result = await client.query(`UPDATE stream_keys SET recording_enabled = $1 WHERE playback_id = ANY($2)`, [
      enabled,
      keys.map((k) => k.playbackId),
    ]);
    if (result.rowCount !== keys.length) throw new Error(`updated ${result.rowCount} of ${keys.length} stream keys`);
  } finally {
    await client.end();
  }
}

// ---- server, publishers, metrics ---------------------------------------------------------------------------

type Metrics = MetricSample[];

/** Cumulative bucket counts of a (label-less) histogram: [le, count], +Inf last. */
function buckets(metrics: Metrics, name: string): Array<[number, number]> {
  return metrics
    .filter((m) => m.name === `${name}_bucket` && m.labels.le !== undefined)
    .map((m): [number, number] => [m.labels.le === '+Inf' ? Infinity : Number(m.labels.le), m.value])
    .sort((a, b) => a[0] - b[0]);
}

/**
 * Quantile of the observations between two scrapes of a histogram, interpolated linearly inside the bucket
 * (as Prometheus' histogram_quantile does; the first bucket starts at 0). Returns the bucket's lower bound
 * when it falls in +Inf.
 */
function histogramQuantile(before: Metrics, after: Metrics, name: string, q: number): number {
  const start = new Map(buckets(before, name));
  const delta = buckets(after, name).map(([le, count]) => [le, count - (start.get(le) ?? 0)] as [number, number]);
  const count = delta.at(-1)?.[1] ?? 0;
  if (count === 0) return NaN;
  const rank = q * count;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const [le, cumulative] of delta) {
    if (cumulative >= rank) {
      if (le === Infinity) return lowerLe;
      return lowerLe + ((le - lowerLe) * (rank - lowerCount)) / Math.max(1, cumulative - lowerCount);
    }
    lowerLe = le;
    lowerCount = cumulative;
  }
  return lowerLe;
}

/** Bytes of the stored objects (not the `~*.tmp` files of puts in progress) under a folder. */
function storedBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  const walk = (path: string) => {
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && !entry.name.startsWith('~')) {
        try {
          bytes += statSync(child).size;
          files++;
        } catch {
          // removed meanwhile
        }
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

/** Waits until the server sees no live publisher (the previous phase's streams have ended). */
async function waitNoPublishers(baseUrl: string): Promise<void> {
  await waitFor(
    'publishers gone',
    async () => (metricValue(await scrapeMetrics(baseUrl), 'rapidrtmp_rtmp_live_publishers') === 0 ? true : undefined),
    15_000,
    200,
  );
}

/** Waits (up to MEMORY_REDUCER_WAIT_MS after start) for V8's memory reducer to free start-up garbage. */
async function waitForHeapShrink(server: Server): Promise<boolean> {
  let peak = rssBytes(server.child.pid!);
  while (Date.now() - server.startedAt < MEMORY_REDUCER_WAIT_MS) {
    await sleep(250);
    const now = rssBytes(server.child.pid!);
    peak = Math.max(peak, now);
    if (now < peak * 0.9) return true;
  }
  return false;
}

interface Sample {
  at: number;
  rss: number;
  queueBytes: number;
  queueItems: number;
  spooledBytes: number;
}

interface Window {
  seconds: number;
  cpuPercent: number;
  idleRss: number;
  rssStart: number;
  rssEnd: number;
  rssPeak: number;
  before: Metrics;
  after: Metrics;
  samples: Sample[];
  storedBefore: { bytes: number; files: number };
  storedAfter: { bytes: number; files: number };
  publishersAlive: number;
  machineLoad: number;
  /** The whole phase, from before the publishers connect until their streams ended and the queue drained. */
  whole?: { ingested: number; stored: number; drained: boolean };
}

/** CPU (utime+stime delta / wall) and RSS of the server, /metrics every SAMPLE_MS, stored bytes at both ends. */
async function measure(server: Server, publishers: ChildProcess[], seconds: number, storeDir: string): Promise<Window> {
  const pid = server.child.pid!;
  const samples: Sample[] = [];
  const sample = async (): Promise<Metrics> => {
    const metrics = await scrapeMetrics(server.baseUrl);
    samples.push({
      at: Date.now(),
      rss: rssBytes(pid),
      queueBytes: metricValue(metrics, 'rapidrtmp_storage_queue_bytes'),
      queueItems: metricValue(metrics, 'rapidrtmp_storage_queue_items'),
      spooledBytes: metricValue(metrics, 'rapidrtmp_storage_spooled_bytes'),
    });
    return metrics;
  };
  const storedBefore = storedBytes(storeDir);
  const before = await sample();
  const cpu0 = cpuSeconds(pid);
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    await sleep(Math.min(SAMPLE_MS, seconds * 1000 - (Date.now() - start)));
    await sample();
  }
  const cpu1 = cpuSeconds(pid);
  const end = Date.now();
  const after = samples.length > 0 ? await scrapeMetrics(server.baseUrl) : before;
  const storedAfter = storedBytes(storeDir);
  const wall = (end - start) / 1000;
  return {
    seconds: wall,
    cpuPercent: ((cpu1 - cpu0) / wall) * 100,
    idleRss: 0,
    rssStart: samples[0]!.rss,
    rssEnd: samples.at(-1)!.rss,
    rssPeak: Math.max(...samples.map((s) => s.rss)),
    before,
    after,
    samples,
    storedBefore,
    storedAfter,
    publishersAlive: publishers.filter((p) => p.exitCode === null && p.signalCode === null).length,
    machineLoad: loadavg()[0]!,
  };
}

/** One phase: set recording_enabled, connect the publishers, warm up, measure, disconnect. */
async function phase(
  cleanup: Cleanup,
  server: Server,
  databaseUrl: string,
  keys: SeededKey[],
  clip: string,
  recording: boolean,
  seconds: number,
  storeDir: string,
  drain: boolean,
): Promise<Window> {
  await setRecording(databaseUrl, keys, recording);
  await sleep(1000);
  const idleRss = rssBytes(server.child.pid!);
  const metricsStart = await scrapeMetrics(server.baseUrl);
  const storedStart = storedBytes(storeDir);
  let window: Window | undefined;
  const publishers = startPublishers(
    cleanup,
    clip,
    keys.map((k) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${k.key}`),
  );
  try {
    await waitLive(
      server.baseUrl,
      keys.map((k) => k.playbackId),
    );
    await sleep(WARMUP_SECONDS * 1000);
    window = await measure(server, publishers.children, seconds, storeDir);
    window.idleRss = idleRss;
  } finally {
    await publishers.stop();
  }
  if (drain) {
    // The streams end, their last segments are queued, and the queue empties (bounded: 20 s).
    await waitNoPublishers(server.baseUrl);
    const drained = await waitFor(
      'upload queue empty',
      async () =>
        metricValue(await scrapeMetrics(server.baseUrl), 'rapidrtmp_storage_queue_items') === 0 ? true : undefined,
      20_000,
      250,
    ).catch(() => false);
    const metricsEnd = await scrapeMetrics(server.baseUrl);
    window.whole = {
      ingested:
        metricValue(metricsEnd, 'rapidrtmp_rtmp_bytes_in_total') -
        metricValue(metricsStart, 'rapidrtmp_rtmp_bytes_in_total'),
      stored: storedBytes(storeDir).bytes - storedStart.bytes,
      drained,
    };
  }
  return window;
}

// ---- main -----------------------------------------------------------------------------------------------

const mb = (bytes: number, decimals = 1) => fmt(bytes / MB, decimals);

async function main(): Promise<void> {
  const started = Date.now();
  requireFfmpegAndServer();
  const clip = await testClip(LIVE_CLIP, console.log);
  console.log(runHeader('RapidRTMP recording cost'));
  console.log(
    `N = ${STREAMS} publishers of ${clipLabel(LIVE_CLIP)} ` +
      `(looped, -c copy); ${WINDOW_SECONDS} s per local phase, ${OUTAGE_SECONDS} s outage, after ${WARMUP_SECONDS} s warm-up`,
  );

  // ---- parts 1 + 2: recording OFF then ON, local storage, one server ----
  const local = new Cleanup();
  let off: Window | undefined;
  let on: Window | undefined;
  let heapShrunk = false;
  if (WINDOW_SECONDS > 0)
    try {
      const databaseUrl = await createDatabase(local, 'rr_bench_rec');
      const server = await startServer(local, databaseUrl);
      const keys = await seedPublishers(databaseUrl, STREAMS);
      heapShrunk = await waitForHeapShrink(server);
      const storeDir = join(server.dataDir, 'media', 'recordings');
      const run = async (recording: boolean) => {
        const w = await phase(local, server, databaseUrl, keys, clip, recording, WINDOW_SECONDS, storeDir, true);
        console.log(
          `  ${recording ? 'ON: ' : 'OFF:'} CPU ${fmt(w.cpuPercent, 1)} %, RSS end ${mb(w.rssEnd, 0)} MB, ${w.publishersAlive} publishers`,
        );
        return w;
      };
      if (ON_FIRST) {
        on = await run(true);
        off = await run(false);
      } else {
        off = await run(false);
        on = await run(true);
      }
    } finally {
      await local.run();
    }

  // ---- part 3: STORAGE=gcs with the fake answering 503 for the whole window ----
  const outage = new Cleanup();
  let down: Window | undefined;
  let fakeRequests = { total: 0, uploads: 0, status503: 0 };
  let spoolOnDisk = { bytes: 0, files: 0 };
  if (OUTAGE_SECONDS > 0)
    try {
      const fake = new FakeGcsServer([BUCKET]);
      const endpoint = await fake.start();
      outage.add('fake GCS server', () => fake.stop());
      const databaseUrl = await createDatabase(outage, 'rr_bench_rec');
      // Healthy at start: the server verifies the bucket before it starts.
      const server = await startServer(outage, databaseUrl, {
        env: {
          STORAGE: 'gcs',
          GCS_BUCKET: BUCKET,
          GCS_API_ENDPOINT: endpoint,
          STORAGE_QUEUE_MAX_BYTES: String(QUEUE_MAX_BYTES),
        },
      });
      const keys = await seedPublishers(databaseUrl, STREAMS);
      const spoolDir = join(server.dataDir, 'spool');
      const requestsBefore = fake.requests.length;
      // The fault starts before the first publisher connects: no upload of the window can succeed.
      fake.fault = 'unavailable';
      down = await phase(outage, server, databaseUrl, keys, clip, true, OUTAGE_SECONDS, spoolDir, false);
      spoolOnDisk = storedBytes(spoolDir);
      const requests = fake.requests.slice(requestsBefore);
      fakeRequests = {
        total: requests.length,
        uploads: requests.filter((r) => r.path.startsWith('/upload/')).length,
        status503: requests.filter((r) => r.status === 503).length,
      };
      console.log(
        `  outage: CPU ${fmt(down.cpuPercent, 1)} %, RSS end ${mb(down.rssEnd, 0)} MB, ${down.publishersAlive} publishers, ` +
          `${fakeRequests.uploads} upload attempts answered 503`,
      );
    } finally {
      await outage.run();
    }

  // ---- tables ----
  if (off && on) {
    console.log('');
    console.log(
      `### 1. Server CPU and RSS, recording OFF vs ON (N = ${STREAMS}, local storage, one server, ${ON_FIRST ? 'ON first' : 'OFF first'})`,
    );
    console.log('');
    const phaseRow = (name: string, w: Window) => [
      name,
      fmt(w.cpuPercent, 1),
      fmt(w.cpuPercent / STREAMS, 2),
      mb(w.idleRss, 0),
      mb(w.rssEnd, 0),
      mb(w.rssPeak, 0),
      mb((w.rssEnd - w.idleRss) / STREAMS, 2),
      fmt(
        metricValue(w.after, 'rapidrtmp_storage_upload_seconds_count') -
          metricValue(w.before, 'rapidrtmp_storage_upload_seconds_count'),
      ),
      `${w.publishersAlive}/${STREAMS}`,
      fmt(w.machineLoad, 2),
    ];
    console.log(
      table(
        [
          'recording',
          'CPU % (1 core = 100)',
          'CPU % per stream',
          'RSS before publishers MB',
          'RSS end MB',
          'RSS peak MB',
          'RSS/stream MB',
          'uploads in window',
          'publishers alive',
          'load avg (1 min)',
        ],
        [phaseRow('OFF', off), phaseRow('ON', on)],
      ),
    );
    console.log(
      `ON - OFF: ${fmt(on.cpuPercent - off.cpuPercent, 1)} % CPU (${fmt(((on.cpuPercent - off.cpuPercent) / off.cpuPercent) * 100, 0)} %), ` +
        `${fmt((on.rssEnd - off.rssEnd) / MB, 0)} MB RSS at the end of the window.` +
        (heapShrunk ? '' : ' (no start-up heap shrink seen before the first phase)'),
    );

    console.log('');
    console.log(`### 2. Uploads to the local store during ON (${fmt(on.seconds, 1)} s window)`);
    console.log('');
    const ingested =
      metricValue(on.after, 'rapidrtmp_rtmp_bytes_in_total') - metricValue(on.before, 'rapidrtmp_rtmp_bytes_in_total');
    const stored = on.storedAfter.bytes - on.storedBefore.bytes;
    const uploads =
      metricValue(on.after, 'rapidrtmp_storage_upload_seconds_count') -
      metricValue(on.before, 'rapidrtmp_storage_upload_seconds_count');
    const uploadSeconds =
      metricValue(on.after, 'rapidrtmp_storage_upload_seconds_sum') -
      metricValue(on.before, 'rapidrtmp_storage_upload_seconds_sum');
    const q = (p: number) => histogramQuantile(on.before, on.after, 'rapidrtmp_storage_upload_seconds', p) * 1000;
    const linked =
      metricValue(on.after, 'rapidrtmp_recording_segments_linked_total') -
      metricValue(on.before, 'rapidrtmp_recording_segments_linked_total');
    const failures =
      metricValue(on.after, 'rapidrtmp_storage_upload_failures_total') -
      metricValue(on.before, 'rapidrtmp_storage_upload_failures_total');
    const dropped =
      metricValue(on.after, 'rapidrtmp_storage_dropped_total') -
      metricValue(on.before, 'rapidrtmp_storage_dropped_total');
    console.log(
      table(
        [
          'ingested MB/s (rtmp_bytes_in)',
          'stored MB/s (files under media/recordings)',
          'stored / ingested',
          'objects stored',
          'segments linked from the spill (no copy)',
          'uploads (histogram count)',
          'upload p50 ms',
          'upload p95 ms',
          'upload mean ms',
          'queue peak MB',
          'failures',
          'dropped',
          'whole phase: ingested / stored MB',
        ],
        [
          [
            fmt(ingested / MB / on.seconds, 2),
            fmt(stored / MB / on.seconds, 2),
            `${fmt((stored / ingested) * 100, 1)} %`,
            fmt(on.storedAfter.files - on.storedBefore.files),
            fmt(linked),
            fmt(uploads),
            fmt(q(0.5), 1),
            fmt(q(0.95), 1),
            fmt((uploadSeconds / uploads) * 1000, 1),
            mb(Math.max(...on.samples.map((s) => s.queueBytes)), 2),
            fmt(failures),
            fmt(dropped),
            on.whole
              ? `${mb(on.whole.ingested, 1)} / ${mb(on.whole.stored, 1)} (${fmt((on.whole.stored / on.whole.ingested) * 100, 1)} %)${on.whole.drained ? '' : ' not drained'}`
              : '–',
          ],
        ],
      ),
    );
  }
  if (!down) return;
  console.log('');
  console.log(
    `### 3. Back end down: STORAGE=gcs, fake GCS answering 503 for ${fmt(down.seconds, 0)} s, N = ${STREAMS}, ` +
      `STORAGE_QUEUE_MAX_BYTES = ${mb(QUEUE_MAX_BYTES, 0)} MiB`,
  );
  console.log('');
  const queuePeak = Math.max(...down.samples.map((s) => s.queueBytes));
  const ingestedDown =
    metricValue(down.after, 'rapidrtmp_rtmp_bytes_in_total') -
    metricValue(down.before, 'rapidrtmp_rtmp_bytes_in_total');
  const last = down.samples.at(-1)!;
  const downFailures =
    metricValue(down.after, 'rapidrtmp_storage_upload_failures_total') -
    metricValue(down.before, 'rapidrtmp_storage_upload_failures_total');
  const downDropped =
    metricValue(down.after, 'rapidrtmp_storage_dropped_total') -
    metricValue(down.before, 'rapidrtmp_storage_dropped_total');
  console.log(
    table(
      [
        'queue limit MB',
        'queue peak MB',
        'queue end MB / items',
        'spooled end MB (metric)',
        'spool on disk MB / files',
        'ingested in window MB',
        'RSS start / peak / end MB',
        'CPU %',
        'upload attempts (503)',
        'failed attempts (metric)',
        'dropped',
        'queue ≤ limit',
      ],
      [
        [
          mb(QUEUE_MAX_BYTES, 1),
          mb(queuePeak, 2),
          `${mb(last.queueBytes, 2)} / ${fmt(last.queueItems)}`,
          mb(last.spooledBytes, 1),
          `${mb(spoolOnDisk.bytes, 1)} / ${fmt(spoolOnDisk.files)}`,
          mb(ingestedDown, 1),
          `${mb(down.rssStart, 0)} / ${mb(down.rssPeak, 0)} / ${mb(down.rssEnd, 0)}`,
          fmt(down.cpuPercent, 1),
          `${fmt(fakeRequests.uploads)} (${fmt(fakeRequests.status503)})`,
          fmt(downFailures),
          fmt(downDropped),
          queuePeak <= QUEUE_MAX_BYTES ? 'yes' : 'NO',
        ],
      ],
    ),
  );
  console.log('');
  // RSS over time, every 5 s of the window.
  const t0 = down.samples[0]!.at;
  const every: Sample[] = [];
  for (const s of down.samples) if (every.length === 0 || s.at - every.at(-1)!.at >= 5000) every.push(s);
  if (every.at(-1) !== last) every.push(last);
  /** RSS of another phase at the same offset into its window, for comparison. */
  const rssAt = (w: Window | undefined, offset: number) => {
    if (!w) return '–';
    const start = w.samples[0]!.at;
    const nearest = w.samples.reduce((best, s) =>
      Math.abs(s.at - start - offset) < Math.abs(best.at - start - offset) ? s : best,
    );
    return Math.abs(nearest.at - start - offset) <= 1000 ? mb(nearest.rss, 0) : '–';
  };
  console.log(
    table(
      ['t s', 'server RSS MB', 'queue MB', 'queue items', 'spooled MB', 'RSS MB, local OFF', 'RSS MB, local ON'],
      every.map((s) => [
        fmt((s.at - t0) / 1000, 1),
        mb(s.rss, 0),
        mb(s.queueBytes, 2),
        fmt(s.queueItems),
        mb(s.spooledBytes, 1),
        rssAt(off, s.at - t0),
        rssAt(on, s.at - t0),
      ]),
    ),
  );
  console.log('');
  const spilling = down.samples.find((x) => x.spooledBytes > 0);
  if (spilling && spilling !== last) {
    const seconds = (last.at - spilling.at) / 1000;
    console.log(
      `Since the spool started (t = ${fmt((spilling.at - t0) / 1000, 1)} s): RSS +${mb(last.rss - spilling.rss, 0)} MB, ` +
        `spool +${mb(last.spooledBytes - spilling.spooledBytes, 0)} MB, queue ${mb(last.queueBytes - spilling.queueBytes, 1)} MB ` +
        `in ${fmt(seconds, 1)} s (RSS ${fmt((last.rss - spilling.rss) / MB / seconds, 2)} MB/s). RSS growth that tracks the ` +
        'spool while the queue is flat means spooled data is still held in memory.',
    );
  }
  console.log(`Samples: ${down.samples.length} (every ${SAMPLE_MS} ms). ${runFooter(started)}`);
}

await runBenchmark(main, MAX_SECONDS);
