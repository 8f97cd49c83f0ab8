// Edge fan-out: one stream owned by node A (ffmpeg publishing the live-load clip at real time, -re, looped),
// N LL-HLS clients in this process reading it through node B, a second node of the same cluster that pulls
// it from A (the edge), then the same N clients on A directly (the origin). Per phase: part delivery delay,
// failed requests, upstream requests from B to A per published part and per distinct object, CPU and RSS of
// both nodes and of this process.
//
//   node bench/dist/edge-fanout.bench.js
//   BENCH_CLIENTS=200 BENCH_SECONDS=60 BENCH_PHASES=edge,origin BENCH_IDLE_SECONDS=10 BENCH_RAMP_SECONDS=2
//   BENCH_RELOAD_JITTER_MS=0 BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
//   BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/p'
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  LIVE_CLIP,
  type MetricSample,
  metricValue,
  queryRows,
  scrapeMetrics,
  sleep,
  testClip,
} from '@rapidrtmp/test-support';
import {
  clipLabel,
  cpuSeconds,
  envNumber,
  fmt,
  machineJiffies,
  median,
  percentile,
  requireFfmpegAndServer,
  rssBytes,
  runFooter,
  runHeader,
  table,
} from './bench-support.js';
import { Cleanup, runBenchmark, startPublishers } from './bench-lifecycle.js';
import { type BenchServer, type ClusterNode, startServer, waitLive } from './bench-server.js';
import { createDatabase, seedPublishers } from './bench-database.js';
import {
  inside,
  LlHlsClient,
  MAX_OBJECTS_IN_FLIGHT,
  PartClock,
  Recorder,
  startClients,
  type Window,
} from './ll-hls-client.js';

const CLIENTS = Math.min(1000, Math.max(1, Math.floor(envNumber('BENCH_CLIENTS', 200))));
const SECONDS = Math.min(600, Math.max(1, envNumber('BENCH_SECONDS', 60)));
/** The calibration phase: the stream and one reference client on A, no load. 0 skips it (no offset then). */
const IDLE_SECONDS = Math.min(60, Math.max(0, envNumber('BENCH_IDLE_SECONDS', 10)));
/** Clients join one after another over this long (players do not start in the same millisecond). */
const RAMP_SECONDS = Math.min(30, Math.max(0, envNumber('BENCH_RAMP_SECONDS', 2)));
const WARMUP_SECONDS = 5;
const PHASES = (process.env.BENCH_PHASES ?? 'edge,origin')
  .split(',')
  .filter((phase): phase is 'edge' | 'origin' => phase === 'edge' || phase === 'origin');
/** Each client waits a random 0..this many ms before each blocking reload, as viewers at various distances would. */
const RELOAD_JITTER_MS = Math.min(2000, Math.max(0, envNumber('BENCH_RELOAD_JITTER_MS', 0)));
/** Extra node flags for both nodes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (one profile per node). */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const CLUSTER_SECRET = 'edge fan-out benchmark secret, 32+ characters';
/** How long stopped clients get to settle before the phase moves on. */
const DRAIN_MS = 3000;
const SAMPLE_MS = 500;
const MEMORY_REDUCER_WAIT_MS = 30_000;
const LOOP_RESOLUTION_MS = 10;
const MB = 1024 * 1024;

// ---- measurement -----------------------------------------------------------------------------------------

interface Nodes {
  a: BenchServer;
  b: BenchServer;
  ffmpegPid: number;
  databaseUrl: string;
}

/** Transactions committed or rolled back in the run's database so far (PostgreSQL flushes these about every second). */
async function databaseTransactions(databaseUrl: string): Promise<number> {
  const [row] = await queryRows<{ xacts: string }>(
    databaseUrl,
    'SELECT xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(row?.xacts ?? NaN);
}

interface Measured extends Window {
  seconds: number;
  cpu: { a: number; b: number; bench: number; ffmpeg: number; machine: number };
  rss: { startA: number; startB: number; a: number; b: number; peakA: number; peakB: number };
  /** Transactions per second in the cluster's database (both nodes; B asks who holds a stream). */
  databaseTps: number;
  /** This process's event-loop delay over the window, ms. */
  loopDelay: { p50: number; p99: number };
  metricsA: [MetricSample[], MetricSample[]];
  metricsB: [MetricSample[], MetricSample[]];
}

/** CPU (utime+stime deltas), RSS (sampled every SAMPLE_MS), both nodes' /metrics at both ends, over `seconds`. */
async function measure(nodes: Nodes, seconds: number, recorders: Recorder[]): Promise<Measured> {
  const pidA = nodes.a.child.pid!;
  const pidB = nodes.b.child.pid!;
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  const before = await Promise.all([scrapeMetrics(nodes.a.baseUrl), scrapeMetrics(nodes.b.baseUrl)]);
  const xacts0 = await databaseTransactions(nodes.databaseUrl);
  loop.enable();
  const cpu0 = { a: cpuSeconds(pidA), b: cpuSeconds(pidB), ffmpeg: cpuSeconds(nodes.ffmpegPid) };
  const bench0 = process.cpuUsage();
  const machine0 = machineJiffies();
  const start = Date.now();
  for (const recorder of recorders) recorder.window.start = start;
  const startA = rssBytes(pidA);
  const startB = rssBytes(pidB);
  let peakA = startA;
  let peakB = startB;
  while (Date.now() - start < seconds * 1000) {
    await sleep(Math.min(SAMPLE_MS, seconds * 1000 - (Date.now() - start)));
    peakA = Math.max(peakA, rssBytes(pidA));
    peakB = Math.max(peakB, rssBytes(pidB));
  }
  const end = Date.now();
  for (const recorder of recorders) recorder.window.end = end;
  const wall = (end - start) / 1000;
  const percent = (seconds0: number, seconds1: number) => ((seconds1 - seconds0) / wall) * 100;
  const bench = process.cpuUsage(bench0);
  const machine1 = machineJiffies();
  const cpu = {
    a: percent(cpu0.a, cpuSeconds(pidA)),
    b: percent(cpu0.b, cpuSeconds(pidB)),
    ffmpeg: percent(cpu0.ffmpeg, cpuSeconds(nodes.ffmpegPid)),
    bench: percent(0, (bench.user + bench.system) / 1e6),
    machine: ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100,
  };
  const rss = { startA, startB, a: rssBytes(pidA), b: rssBytes(pidB), peakA, peakB };
  loop.disable();
  const after = await Promise.all([scrapeMetrics(nodes.a.baseUrl), scrapeMetrics(nodes.b.baseUrl)]);
  const xacts1 = await databaseTransactions(nodes.databaseUrl);
  return {
    start,
    end,
    seconds: wall,
    cpu,
    rss,
    databaseTps: (xacts1 - xacts0) / wall,
    // Each sample includes the sampling timer's own period.
    loopDelay: {
      p50: Math.max(0, loop.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
      p99: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
    },
    metricsA: [before[0], after[0]],
    metricsB: [before[1], after[1]],
  };
}

const delta = (metrics: [MetricSample[], MetricSample[]], name: string, labels: Record<string, string> = {}) =>
  metricValue(metrics[1], name, labels) - metricValue(metrics[0], name, labels);

/** Window deltas of a labelled counter by the values of `labels`, joined with a space (`200`, `playlist 200`). */
function deltaBy(metrics: [MetricSample[], MetricSample[]], name: string, labels: string[]): Map<string, number> {
  const byLabel = new Map<string, number>();
  for (const sample of metrics[1]) {
    if (sample.name !== name) continue;
    const key = labels.map((label) => sample.labels[label]).join(' ');
    const picked = Object.fromEntries(labels.map((label) => [label, sample.labels[label]!]));
    const value = delta(metrics, name, picked);
    if (value !== 0) byLabel.set(key, value);
  }
  return byLabel;
}

// ---- phases ----------------------------------------------------------------------------------------------

interface Phase {
  name: string;
  /** Where the clients read: B (edge), A (origin), or nobody. */
  target: string;
  clients: number;
  recorder: Recorder;
  measured: Measured;
}

/** N clients on `server` for the ramp + warm-up, then the measured window; the clients stop after it. */
async function clientPhase(
  name: 'edge' | 'origin',
  nodes: Nodes,
  playbackId: string,
  clock: PartClock,
  cleanup: Cleanup,
): Promise<Phase> {
  const server = name === 'edge' ? nodes.b : nodes.a;
  const recorder = new Recorder();
  const stop = new AbortController();
  setMaxListeners(CLIENTS + 10, stop.signal); // one per client
  cleanup.add(`${name} clients`, () => stop.abort());
  const deadline = Date.now() + (RAMP_SECONDS + WARMUP_SECONDS + SECONDS + 30) * 1000;
  const clients = startClients(CLIENTS, server.baseUrl, playbackId, recorder, clock, stop.signal, deadline, {
    rampSeconds: RAMP_SECONDS,
    reloadJitterMs: RELOAD_JITTER_MS,
    name: 'edge-fanout',
  });
  await sleep((RAMP_SECONDS + WARMUP_SECONDS) * 1000);
  const measured = await measure(nodes, SECONDS, [recorder]);
  stop.abort();
  await Promise.race([clients, sleep(DRAIN_MS)]);
  await sleep(1000); // let the nodes' sockets close before the next phase
  return { name, target: name === 'edge' ? 'B' : 'A', clients: CLIENTS, recorder, measured };
}

// ---- results ---------------------------------------------------------------------------------------------

interface Delays {
  /** receipt - (part end + offset), ms, of parts whose end + offset is inside the window. */
  delays: number[];
  /** Per part, the delay of the first client that had it: the hop, without the fan-out behind it. */
  first: number[];
  /** Parts received with no known end (never listed in a playlist read here). */
  unmatched: number;
}

function partDelays(receipts: Recorder['receipts'], window: Window, clock: PartClock, offset: number): Delays {
  const result: Delays = { delays: [], first: [], unmatched: 0 };
  const firstByPart = new Map<string, number>();
  for (const receipt of receipts) {
    if (receipt.backlog) continue;
    const end = clock.end(receipt.uri);
    if (end === undefined) {
      result.unmatched++;
      continue;
    }
    if (!inside(end + offset, window)) continue;
    const delay = receipt.at - end - offset;
    result.delays.push(delay);
    firstByPart.set(receipt.uri, Math.min(delay, firstByPart.get(receipt.uri) ?? Infinity));
  }
  result.first = [...firstByPart.values()];
  return result;
}

const triple = (values: number[]) =>
  values.length === 0
    ? '–'
    : `${fmt(percentile(values, 50))} / ${fmt(percentile(values, 95))} / ${fmt(percentile(values, 99))}`;

function deliveryRow(phase: Phase, clock: PartClock, offset: number, reference: Recorder): string[] {
  const { recorder, measured } = phase;
  const { delays, first, unmatched } = partDelays(recorder.receipts, measured, clock, offset);
  const published = delta(measured.metricsA, 'rapidrtmp_hls_parts_total');
  const expected = clock.countIn(measured, offset) * phase.clients;
  const referenceDelays = partDelays(reference.receipts, measured, clock, offset).delays;
  return [
    phase.name,
    phase.target,
    String(phase.clients),
    fmt(published),
    phase.clients === 0 ? '–' : `${fmt(delays.length)} / ${fmt(expected)}`,
    triple(delays),
    delays.length === 0 ? '–' : fmt(Math.max(...delays)),
    first.length === 0 ? '–' : `${fmt(median(first))} / ${fmt(percentile(first, 99))}`,
    referenceDelays.length === 0 ? '–' : `${fmt(median(referenceDelays))} / ${fmt(percentile(referenceDelays, 99))}`,
    fmt(recorder.windowRequests / measured.seconds, 0),
    fmt((recorder.windowBytes * 8) / measured.seconds / 1e6, 1),
    `${recorder.failures()}${recorder.skipped ? `; ${recorder.skipped} parts skipped` : ''}${unmatched ? `; ${unmatched} unmatched` : ''}`,
  ];
}

function upstreamRow(phase: Phase): string[] {
  const { recorder, measured } = phase;
  const metrics = measured.metricsB;
  const upstream = deltaBy(metrics, 'rapidrtmp_edge_upstream_seconds_count', ['kind', 'status']);
  const total = (kind: string) =>
    [...upstream].reduce((sum, [key, n]) => (key.startsWith(`${kind} `) ? sum + n : sum), 0);
  const byStatus = (kind: string) =>
    [...upstream]
      .filter(([key]) => key.startsWith(`${kind} `))
      .map(([key, n]) => `${key.slice(kind.length + 1)}: ${fmt(n)}`)
      .join(', ') || '0';
  const published = delta(measured.metricsA, 'rapidrtmp_hls_parts_total');
  const objects = recorder.distinctAsked('object');
  const reloads = recorder.distinctAsked('reload');
  return [
    phase.name,
    fmt(published),
    byStatus('playlist'),
    fmt(reloads),
    published > 0 ? fmt(total('playlist') / published, 2) : '–',
    byStatus('object'),
    fmt(objects),
    objects > 0 ? fmt(total('object') / objects, 2) : '–',
    fmt(recorder.distinctObjectBytes() / MB, 1),
    `${fmt(delta(metrics, 'rapidrtmp_edge_coalesced_requests_total', { kind: 'playlist' }))} / ${fmt(
      delta(metrics, 'rapidrtmp_edge_coalesced_requests_total', { kind: 'object' }),
    )}`,
    `${fmt(delta(metrics, 'rapidrtmp_edge_cache_requests_total', { outcome: 'hit' }))} / ${fmt(
      delta(metrics, 'rapidrtmp_edge_cache_requests_total', { outcome: 'miss' }),
    )}`,
  ];
}

function resourceRow(phase: Phase): string[] {
  const { cpu, rss, loopDelay, databaseTps } = phase.measured;
  const mb = (bytes: number) => fmt(bytes / MB, 0);
  return [
    phase.name,
    fmt(cpu.a, 1),
    fmt(cpu.b, 1),
    fmt(cpu.bench, 1),
    fmt(cpu.ffmpeg, 1),
    fmt(cpu.machine, 0),
    `${mb(rss.startA)} / ${mb(rss.a)} / ${mb(rss.peakA)}`,
    `${mb(rss.startB)} / ${mb(rss.b)} / ${mb(rss.peakB)}`,
    fmt(databaseTps, 0),
    `${fmt(loopDelay.p50, 1)} / ${fmt(loopDelay.p99, 1)}`,
  ];
}

// ---- main ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  requireFfmpegAndServer();
  if (PHASES.length === 0) throw new Error('BENCH_PHASES names no phase (edge, origin)');
  const clip = await testClip(LIVE_CLIP, console.log);
  console.log(runHeader('RapidRTMP edge fan-out'));
  console.log(
    `${CLIENTS} clients per phase (${PHASES.join(', ')}), ${SECONDS} s measured after ${RAMP_SECONDS} s ramp + ` +
      `${WARMUP_SECONDS} s warm-up; calibration ${IDLE_SECONDS} s; one stream, ${clipLabel(LIVE_CLIP)}, looped` +
      (RELOAD_JITTER_MS > 0 ? `; blocking reloads delayed by a random 0..${RELOAD_JITTER_MS} ms` : ''),
  );
  const cleanup = new Cleanup();
  try {
    const databaseUrl = await createDatabase(cleanup, 'rr_bench_edge');
    const mediaDir = mkdtempSync(join(tmpdir(), 'rr-bench-edge-media-'));
    cleanup.add('shared media dir', () => rmSync(mediaDir, { recursive: true, force: true }));
    const node = (nodeId: string): ClusterNode => ({ nodeId, secret: CLUSTER_SECRET, mediaDir });
    // One after the other: the first start runs the migrations.
    const a = await startServer(cleanup, databaseUrl, { cluster: node('node-a'), nodeArgs: SERVER_NODE_ARGS });
    const b = await startServer(cleanup, databaseUrl, { cluster: node('node-b'), nodeArgs: SERVER_NODE_ARGS });
    const [key] = await seedPublishers(databaseUrl, 1);
    // Delivery is measured, not recording: A writes no segments to the store.
    await queryRows(databaseUrl, 'UPDATE stream_keys SET recording_enabled = false WHERE id = $1', [key!.streamKeyId]);
    const publisher = startPublishers(cleanup, clip, [`rtmp://127.0.0.1:${a.rtmpPort}/live/${key!.key}`]);
    await waitLive(a.baseUrl, [key!.playbackId]);
    await waitLive(b.baseUrl, [key!.playbackId]);
    const nodes: Nodes = { a, b, ffmpegPid: publisher.children[0]!.pid!, databaseUrl };
    console.log(`  node A ${a.baseUrl} (owner, pid ${a.child.pid}), node B ${b.baseUrl} (edge, pid ${b.child.pid})`);

    // The reference: one client on A from now to the end, alone during the calibration.
    const clock = new PartClock();
    const reference = new Recorder();
    const referenceStop = new AbortController();
    cleanup.add('reference client', () => referenceStop.abort());
    const referenceRun = new LlHlsClient(
      a.baseUrl,
      key!.playbackId,
      'edge-fanout reference',
      reference,
      clock,
      referenceStop.signal,
    ).run(Date.now() + (60 + IDLE_SECONDS + PHASES.length * (RAMP_SECONDS + WARMUP_SECONDS + SECONDS + 10)) * 1000);
    // V8's memory reducer frees the start-up garbage (~35 MB) about 25 s after start (see live-load): RSS
    // figures taken before it would mix that drop into the phases.
    await sleep(Math.max(WARMUP_SECONDS * 1000, b.startedAt + MEMORY_REDUCER_WAIT_MS - Date.now()));

    const phases: Phase[] = [];
    let offset = 0;
    if (IDLE_SECONDS > 0) {
      const measured = await measure(nodes, IDLE_SECONDS, []);
      phases.push({ name: 'calibration', target: '–', clients: 0, recorder: new Recorder(), measured });
      const calibration = partDelays(reference.receipts, measured, clock, 0).delays;
      offset = calibration.length > 0 ? median(calibration) : 0;
      console.log(
        `  calibration: reference receipt - part end on A, idle: median ${fmt(offset)} ms, p95 ${fmt(
          percentile(calibration, 95),
        )} ms, ${calibration.length} parts`,
      );
    }
    for (const name of PHASES) {
      const phase = await clientPhase(name, nodes, key!.playbackId, clock, cleanup);
      phases.push(phase);
      console.log(
        `  ${name}: ${phase.recorder.windowRequests} requests in the window, failures: ${phase.recorder.failures()}`,
      );
    }
    referenceStop.abort();
    await Promise.race([referenceRun, sleep(DRAIN_MS)]);

    console.log('');
    console.log(
      table(
        [
          'phase',
          'clients on',
          'clients',
          'parts published',
          'parts received / expected',
          'delay p50 / p95 / p99 ms',
          'delay max ms',
          'first client per part p50 / p99 ms',
          'reference on A p50 / p99 ms',
          'client req/s',
          'delivered Mbit/s',
          'failed requests (non-200, whole phase)',
        ],
        phases.map((phase) => deliveryRow(phase, clock, offset, reference)),
      ),
    );
    console.log('');
    console.log(
      table(
        [
          'phase',
          'parts published',
          'B->A playlist requests by status',
          'distinct blocking reloads asked',
          'B->A playlists per part',
          'B->A object requests by status',
          'distinct objects asked',
          'B->A requests per object',
          'MB of distinct objects',
          'coalesced playlist / object',
          'cache hit / miss',
        ],
        phases.filter((phase) => phase.target === 'B').map(upstreamRow),
      ),
    );
    for (const phase of phases.filter((p) => p.target === 'B')) {
      const late = phase.recorder.lateReloads;
      console.log(
        `${phase.name}: ${fmt(late.length)} blocking reloads were asked after another client already had that answer` +
          (late.length > 0 ? ` (by p50 ${fmt(median(late))} / max ${fmt(Math.max(...late))} ms)` : '') +
          '; through an edge that keeps no answer, each such ask that arrives after the upstream request has ended is another.',
      );
    }
    console.log('');
    console.log(
      table(
        [
          'phase',
          'CPU % A',
          'CPU % B',
          'CPU % bench',
          'CPU % ffmpeg',
          'machine busy %',
          'RSS A MB start / end / peak',
          'RSS B MB start / end / peak',
          'database transactions/s',
          'bench event-loop delay p50 / p99 ms',
        ],
        phases.map(resourceRow),
      ),
    );
    console.log('');
    console.log(
      [
        'How it is measured:',
        '- Two server processes on one PostgreSQL database (NODE_ID, NODE_URL, CLUSTER_SECRET, one STORAGE_LOCAL_DIR): A owns the',
        '  stream (ffmpeg -re -stream_loop -1 -c copy to A; recording off for the key), B serves it as an edge (it pulls from A).',
        `- Clients: ${CLIENTS} LL-HLS players in this process (node:http, own keep-alive connections, at most ${MAX_OBJECTS_IN_FLIGHT} objects +`,
        '  1 playlist in flight each), as hls.js in lowLatencyMode: multivariant, plain media playlist, init, then blocking reloads',
        '  (_HLS_msn/_HLS_part of the next part); on joining the newest segment and the parts of the open one (not timed), then',
        '  every newly listed part and the preload-hinted part at once (the server holds it until it exists). Playlists are read',
        `  with @rapidrtmp/hls parseMediaPlaylist. They join over ${RAMP_SECONDS} s, then ${WARMUP_SECONDS} s warm-up, then the window.`,
        '- Delay = (when a client had read the last byte of a part) - (when the part became available on A). Available = the',
        "  part's end on A's wall clock (its segment's PROGRAM-DATE-TIME + the part durations up to and including it) + an",
        '  offset calibrated with no load: in the calibration phase one reference client, alone on A, receives each hinted',
        `  part; offset = median(its receipt - part end) = ${fmt(offset)} ms here. So 0 = when a lone client of an idle origin had`,
        '  it; the time the packager needs to close a part is not in it. Only parts ending inside the window count. "First',
        '  client per part" = per part, the delay of the earliest client (the hop to the node serving it, without the',
        '  fan-out queue behind it). The reference keeps running on A in every phase ("reference on A": how much later A',
        '  answered that one client under the load of the phase; in the origin phase it is one of N + 1 clients of A).',
        '- Same box: clients, both nodes and ffmpeg share the cores; a receipt is timed when this process has read it, so its',
        '  own event-loop delay (last table) is in every delay, in both phases. Compare the edge row with the origin row; the',
        '  absolute figures include this process.',
        "- Upstream: deltas over the window of B's /metrics: rapidrtmp_edge_upstream_seconds_count (kind, status),",
        '  rapidrtmp_edge_coalesced_requests_total, rapidrtmp_edge_cache_requests_total (a coalesced miss counts as a miss);',
        "  parts published = delta of A's rapidrtmp_hls_parts_total. Distinct objects / blocking reloads = names and",
        '  _HLS_msn/_HLS_part pairs first asked by any client inside the window (their bytes: what B must pull and cache).',
        '  Target: 1 upstream request per distinct object and per part, whatever the number of clients.',
        '- CPU %: utime+stime deltas from /proc/<pid>/stat over the window / wall time (100 = one core); bench = this process',
        '  (all clients); machine busy % = all cores from /proc/stat (other jobs included). RSS = VmRSS at the start and end of',
        "  the window, peak of 2 samples/s; the first phase starts 30 s after B started (after V8's memory reducer freed the",
        "  start-up garbage). Database transactions/s: pg_stat_database of the run's database (both nodes).",
        '  Failed requests: every non-200 answer, timeout or connection error of the whole phase (join, warm-up and window).',
      ].join('\n'),
    );
    console.log(runFooter(started));
  } finally {
    await cleanup.run();
  }
}

await runBenchmark(
  main,
  120 + IDLE_SECONDS + WARMUP_SECONDS + PHASES.length * (RAMP_SECONDS + WARMUP_SECONDS + SECONDS + 10) + 60,
);
