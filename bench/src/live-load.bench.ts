// Live load: N concurrent ffmpeg publishers (-re, looped, -c copy of a 2.5 Mbit/s 720p30 H.264 + AAC
// clip) against RapidRTMP (real server process, fresh PostgreSQL database) and against nginx +
// libnginx-mod-rtmp (hls on, 2 s fragments), one after the other in the same run. Per N and server:
// server CPU, RSS per stream and the live-edge lag (how long after a part's/segment's last frame
// arrived it was listed in the playlist); then, publishers still running, HTTP delivery req/s of one
// stream's media playlist and of one of its segments (64 keep-alive connections); and a side-by-side
// table of both servers with the ratio RapidRTMP / nginx-rtmp per figure.
//
//   node bench/dist/live-load.bench.js
//   BENCH_STREAMS=10,25,50 BENCH_WINDOW_SECONDS=20 BENCH_DELIVERY_SECONDS=10 BENCH_SERVERS=rapidrtmp,nginx
//   BENCH_REPEATS=3 (rounds per N, medians side by side) BENCH_WARMUP_SECONDS=2
//   BENCH_LAG_MODE=block|poll BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_MAX_SECONDS=600
//   BENCH_HTTP_GENERATOR=wrk|node (default: wrk when installed, `apt-get install wrk`)
import type { ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { ChunkReader, HANDSHAKE_SIZE } from '@rapidrtmp/rtmp';
import { listenOnFreePort, LIVE_CLIP, SERVER_ENTRY, sleep, testClip, waitFor } from '@rapidrtmp/test-support';
import {
  commandWorks,
  cpuSeconds,
  envNumber,
  fmt,
  machineJiffies,
  percentile,
  rssBytes,
  runFooter,
  runHeader,
  serverEnv,
  table,
  threadCpuSeconds,
} from './bench-support.js';
import { Cleanup, runBenchmark, startPublishers } from './bench-lifecycle.js';
import { startServer, waitLive } from './bench-server.js';
import { createDatabase, seedPublishers } from './bench-database.js';
import { nginxAvailable, startNginxRtmp } from './bench-nginx.js';
import { type HttpLoadResult, httpLoadInChild } from './http-load.js';
import { wrkAvailable, wrkLoadInChild } from './wrk-load.js';

const STREAM_COUNTS = (process.env.BENCH_STREAMS ?? '10,25,50')
  .split(',')
  .map(Number)
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 50);
const WINDOW_SECONDS = envNumber('BENCH_WINDOW_SECONDS', 20);
/** Seconds after every stream's first segment before a window starts (BENCH_WARMUP_SECONDS): start-up and JIT warm-up left out. */
const WARMUP_SECONDS = Math.min(envNumber('BENCH_WARMUP_SECONDS', 2), 120);
/**
 * Rounds per N (BENCH_REPEATS), each RapidRTMP then nginx-rtmp: on a shared VM one 20 s window's CPU moves by
 * a fifth from run to run for the same server, so with more than one round the side-by-side figures are the
 * medians over the rounds, and the CPU ratio of every round is printed beside them.
 */
const REPEATS = Math.min(Math.max(1, envNumber('BENCH_REPEATS', 1)), 5);
const MAX_SECONDS = envNumber('BENCH_MAX_SECONDS', 600 * REPEATS);
/** Seconds of HTTP load per delivery phase (playlist, then segment); 0 skips them. */
const DELIVERY_SECONDS = Math.min(envNumber('BENCH_DELIVERY_SECONDS', 12), 60);
/**
 * The phases alternate in this many rounds of DELIVERY_SECONDS / rounds each, and the round with the median
 * req/s is reported: on two shared cores one round can lose half its CPU to the publishers' bursts.
 */
const DELIVERY_ROUNDS = Math.min(Math.max(1, envNumber('BENCH_DELIVERY_ROUNDS', 3)), 10);
/** Keep-alive connections of the load generator (like `wrk -c64`). */
const DELIVERY_CONNECTIONS = Math.min(envNumber('BENCH_DELIVERY_CONNECTIONS', 64), 256);
/** wrk (one thread) when installed, else the Node generator of http-load.ts; BENCH_HTTP_GENERATOR picks one. */
const HTTP_GENERATOR: 'wrk' | 'node' =
  process.env.BENCH_HTTP_GENERATOR === 'node' || (process.env.BENCH_HTTP_GENERATOR !== 'wrk' && !wrkAvailable())
    ? 'node'
    : 'wrk';
const SERVERS = (process.env.BENCH_SERVERS ?? 'rapidrtmp,nginx').split(',');
const LAG_MODE = process.env.BENCH_LAG_MODE === 'poll' ? 'poll' : 'block';
const POLL_MS = 100;
/** Gives the RapidRTMP server a full GC on SIGUSR2, for the idle baseline (see gc-on-signal.ts). */
const GC_ON_SIGNAL_ARGS = ['--expose-gc', '--import', new URL('./gc-on-signal.js', import.meta.url).href];
const WIRE_CLOCK = process.env.BENCH_WIRE_CLOCK !== '0';
/** Extra node flags for the RapidRTMP server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes. */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
/** Where to copy the RapidRTMP server's output (`<path>.n<N>.log`), e.g. with BENCH_SERVER_NODE_ARGS=--trace-gc. */
const SERVER_LOG = process.env.BENCH_SERVER_LOG;
const MB = 1024 * 1024;

// ---- everything started here, stopped in finally ---------------------------------------------------

// ---- measurement --------------------------------------------------------------------------------------

interface WindowResult {
  seconds: number;
  serverCpuPercent: number;
  /** CPU % by thread name of the (first) server process: `main`, `V8 DefaultWorke`, `libuv-worker`... */
  threadCpuPercent: Map<string, number>;
  serverRssEnd: number;
  serverRssPeak: number;
  publishersCpuPercent: number;
  benchCpuPercent: number;
  machineBusyPercent: number;
  publishersAlive: number;
  start: number;
  end: number;
}

/** Samples CPU (utime+stime deltas) and RSS of the server processes over `seconds`. */
async function measureWindow(
  serverPids: () => number[],
  publishers: ChildProcess[],
  seconds: number,
): Promise<WindowResult> {
  const sum = (pids: number[], f: (pid: number) => number) => pids.reduce((total, pid) => total + f(pid), 0);
  const publisherPids = publishers.map((p) => p.pid!).filter(Boolean);
  const pids0 = serverPids();
  const machine0 = machineJiffies();
  const bench0 = process.cpuUsage();
  const server0 = sum(pids0, cpuSeconds);
  const threads0 = threadCpuSeconds(pids0[0]!);
  const publishers0 = sum(publisherPids, cpuSeconds);
  const start = Date.now();
  let peak = 0;
  while (Date.now() - start < seconds * 1000) {
    await sleep(Math.min(500, seconds * 1000 - (Date.now() - start)));
    peak = Math.max(peak, sum(serverPids(), rssBytes));
  }
  const end = Date.now();
  const pids1 = serverPids();
  const server1 = sum(pids1, cpuSeconds);
  const threads1 = threadCpuSeconds(pids0[0]!);
  const publishers1 = sum(publisherPids, cpuSeconds);
  const bench1 = process.cpuUsage(bench0);
  const machine1 = machineJiffies();
  const wall = (end - start) / 1000;
  const rssEnd = sum(pids1, rssBytes);
  const threads = new Map<string, number>();
  for (const [name, seconds] of threads1) threads.set(name, ((seconds - (threads0.get(name) ?? 0)) / wall) * 100);
  return {
    seconds: wall,
    serverCpuPercent: ((server1 - server0) / wall) * 100,
    threadCpuPercent: threads,
    serverRssEnd: rssEnd,
    serverRssPeak: Math.max(peak, rssEnd),
    publishersCpuPercent: ((publishers1 - publishers0) / wall) * 100,
    benchCpuPercent: ((bench1.user + bench1.system) / 1e6 / wall) * 100,
    machineBusyPercent: ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100,
    publishersAlive: publishers.filter((p) => p.exitCode === null && p.signalCode === null).length,
    start,
    end,
  };
}

/** One stream's lag samples as defined by the brief (PDT or first-fragment anchor), before the wire correction. */
interface StreamLag {
  parts: number[];
  segments: number[];
  /** Wall clock the lag references count from: PDT of segment 0 (RapidRTMP), first fragment's birth (nginx). */
  anchor: number | undefined;
  discontinuities: number;
  errors: number;
  wire: WireClock | undefined;
}

const newStreamLag = (wire: WireClock | undefined): StreamLag => ({
  parts: [],
  segments: [],
  anchor: undefined,
  discontinuities: 0,
  errors: 0,
  wire,
});

interface LagSamples {
  parts: number[];
  segments: number[];
  /** Per stream: how much later the anchor is than the wire arrival line (added to every sample). */
  corrections: number[];
  errors: number;
  discontinuities: number;
}

/**
 * Turns anchor-based lags into lags after the frames' actual arrival. The arrival line of a stream is
 * arrival(ts) = ts + offset, offset = median over the window of (arrival - RTMP timestamp) of its video
 * messages at the relay. Both servers map media time to wall clock from the first keyframe's arrival
 * (anchor <-> firstKeyframeTs), so reference(true) = reference(anchor) - correction with
 * correction = anchor - (firstKeyframeTs + offset), and lag(true) = lag(anchor) + correction.
 */
function finishLags(streams: StreamLag[], window: { start: number; end: number }): LagSamples {
  const result: LagSamples = { parts: [], segments: [], corrections: [], errors: 0, discontinuities: 0 };
  for (const stream of streams) {
    result.errors += stream.errors;
    result.discontinuities += stream.discontinuities;
    let correction = 0;
    const wire = stream.wire;
    if (wire) {
      const offsets = wire.samples
        .filter(([, at]) => at >= window.start && at <= window.end)
        .map(([ts, at]) => at - ts);
      if (stream.anchor === undefined || wire.firstKeyframeTs === undefined || offsets.length === 0) {
        result.errors++;
        continue;
      }
      correction = stream.anchor - (wire.firstKeyframeTs + percentile(offsets, 50));
      result.corrections.push(correction);
    }
    result.parts.push(...stream.parts.map((lag) => lag + correction));
    result.segments.push(...stream.segments.map((lag) => lag + correction));
  }
  return result;
}

/** Idle time between the two baseline GCs: more than V8's ~5 s allocation-throughput window. */
const IDLE_GC_GAP_MS = 5500;

/**
 * RSS and CPU of the server with no publisher, over 2 s before they connect. A Node server (`collectGarbage`)
 * is first sent SIGUSR2 for a full GC (gc-on-signal.ts): the start-up garbage (~25-35 MB) would otherwise be
 * freed by the first GC under load, and every later RSS per stream would look that much / N too small.
 */
async function idleBaseline(
  pids: () => number[],
  collectGarbage = false,
): Promise<{ baselineRss: number; idleCpuPercent: number; note?: string }> {
  const rss = () => pids().reduce((sum, pid) => sum + rssBytes(pid), 0);
  const cpu = () => pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  let note: string | undefined;
  if (collectGarbage) {
    const before = rss();
    // Two full GCs 5.5 s apart: V8 shrinks the young generation (grown to 2 x 16 MB semi-spaces by start-up's
    // allocation) only at a GC that sees a low allocation rate over its last ~5 s, which the first one does not.
    for (const pid of pids()) process.kill(pid, 'SIGUSR2');
    await sleep(IDLE_GC_GAP_MS);
    for (const pid of pids()) process.kill(pid, 'SIGUSR2');
    await sleep(1500);
    note = `idle RSS ${(before / MB).toFixed(0)} -> ${(rss() / MB).toFixed(0)} MB after two full GCs`;
  }
  await sleep(1000);
  const cpu0 = cpu();
  const start = Date.now();
  await sleep(2000);
  const idleCpuPercent = ((cpu() - cpu0) / ((Date.now() - start) / 1000)) * 100;
  return { baselineRss: rss(), idleCpuPercent, note };
}

/** What the server's own /metrics says its memory is made of (prom-client's default Node metrics), bytes. */
interface MemoryComposition {
  /** V8's young generation (semi-spaces): grows under sustained allocation, shrinks only when idle. */
  youngGeneration: number;
  /** The rest of the JS heap, committed. */
  olderHeap: number;
  /** Memory outside the heap that V8 knows of: media slabs, socket and file buffers. */
  external: number;
}

async function memoryComposition(baseUrl: string): Promise<MemoryComposition | undefined> {
  const text = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) }).then(
    (r) => (r.ok ? r.text() : undefined),
    () => undefined,
  );
  if (!text) return undefined;
  const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  const young = value(/^nodejs_heap_space_size_total_bytes\{space="new"\} (\S+)$/m);
  const heap = value(/^nodejs_heap_size_total_bytes (\S+)$/m);
  const external = value(/^nodejs_external_memory_bytes (\S+)$/m);
  return { youngGeneration: young, olderHeap: heap - young, external };
}

/** "young generation 1 -> 32 MB, ..." between the idle baseline and the end of the window. */
function compositionChange(idle: MemoryComposition | undefined, end: MemoryComposition | undefined): string {
  if (!idle || !end) return 'memory composition: /metrics not read';
  const part = (label: string, key: keyof MemoryComposition) =>
    `${label} ${fmt(idle[key] / MB, 0)} -> ${fmt(end[key] / MB, 0)}`;
  return `MB idle -> end of window: ${part('young generation', 'youngGeneration')}, ${part('rest of the heap', 'olderHeap')}, ${part('external (media slabs, buffers)', 'external')}`;
}

/** RSS over the idle baseline per stream, MB: as measured at the end of the window, and after a full GC. */
const rssPerStream = (r: RunResult) => (r.window.serverRssEnd - r.baselineRss) / r.streams / MB;
const rssAfterGcPerStream = (r: RunResult) => ((r.rssAfterGc ?? NaN) - r.baselineRss) / r.streams / MB;

/** RSS after a full GC of a server started with GC_ON_SIGNAL_ARGS. */
async function rssAfterFullGc(pid: number): Promise<number> {
  process.kill(pid, 'SIGUSR2');
  await sleep(1500);
  return rssBytes(pid);
}

interface RunResult {
  server: string;
  streams: number;
  /** Which round of BENCH_REPEATS (1-based). */
  round: number;
  /** The window without HTTP clients (RapidRTMP: the ingest window): CPU, RSS and context figures. */
  window: WindowResult;
  /** RapidRTMP only: the following window with one LL-HLS follower per stream, where `lag` comes from. */
  viewerWindow?: WindowResult;
  baselineRss: number;
  /** RapidRTMP: what its memory growth is made of, idle vs the end of the ingest window. */
  composition?: string;
  /** RapidRTMP: RSS right after the ingest window and a full GC (what the streams hold, without garbage). */
  rssAfterGc?: number;
  idleCpuPercent: number;
  lag: LagSamples;
  delivery?: Delivery;
  note?: string;
}

// ---- delivery: HTTP req/s of one stream's playlist and of one segment, publishers still running ----------

interface DeliveryPhase extends HttpLoadResult {
  /** Server CPU over the generator's loops (100 = one core). */
  serverCpuPercent: number;
  generatorCpuPercent: number;
  machineBusyPercent: number;
}

interface Delivery {
  playlist: DeliveryPhase;
  segment: DeliveryPhase;
  /** The segment loaded: its URI, EXTINF seconds and bytes. */
  segmentUri: string;
  segmentSeconds: number;
}

/** The last segment (plain URI line, complete) of a media playlist and its EXTINF duration. */
export function lastSegment(playlist: string): { uri: string; seconds: number } | undefined {
  let duration = NaN;
  let last: { uri: string; seconds: number } | undefined;
  for (const line of playlist.split('\n')) {
    if (line.startsWith('#EXTINF:')) duration = Number(line.slice(8).split(',')[0]);
    else if (line !== '' && !line.startsWith('#')) last = { uri: line.trim(), seconds: duration };
  }
  return last;
}

/** One load phase against `url`, with the server's CPU sampled over the generator's own interval. */
async function deliveryPhase(
  cleanup: Cleanup,
  serverPids: () => number[],
  url: string,
  seconds: number,
): Promise<DeliveryPhase> {
  const cpu = () => serverPids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  let at0 = { server: 0, machine: machineJiffies(), time: Date.now() };
  let at1 = at0;
  const load = HTTP_GENERATOR === 'wrk' ? wrkLoadInChild : httpLoadInChild;
  const result = await load(
    cleanup,
    { url, connections: DELIVERY_CONNECTIONS, seconds },
    {
      onStart: () => (at0 = { server: cpu(), machine: machineJiffies(), time: Date.now() }),
      onEnd: () => (at1 = { server: cpu(), machine: machineJiffies(), time: Date.now() }),
    },
  );
  const wall = (at1.time - at0.time) / 1000;
  return {
    ...result,
    serverCpuPercent: ((at1.server - at0.server) / wall) * 100,
    generatorCpuPercent: (result.cpuSeconds / result.seconds) * 100,
    machineBusyPercent: ((at1.machine.busy - at0.machine.busy) / (at1.machine.total - at0.machine.total)) * 100,
  };
}

/**
 * The delivery phases for one stream whose media playlist is at `playlistUrl`: (a) plain GETs of the
 * playlist, (b) GETs of the newest complete segment listed when (b) starts (still in the window for its
 * whole duration: 10 segments of 2 s for RapidRTMP, 30 s of fragments for nginx-rtmp).
 */
async function measureDelivery(
  cleanup: Cleanup,
  serverPids: () => number[],
  playlistUrl: string,
): Promise<Delivery | undefined> {
  if (DELIVERY_SECONDS <= 0) return undefined;
  const seconds = DELIVERY_SECONDS / DELIVERY_ROUNDS;
  const playlists: DeliveryPhase[] = [];
  const segments: Array<{ phase: DeliveryPhase; uri: string; seconds: number }> = [];
  for (let round = 0; round < DELIVERY_ROUNDS; round++) {
    playlists.push(await deliveryPhase(cleanup, serverPids, playlistUrl, seconds));
    await sleep(1000);
    const text = await (await fetch(playlistUrl, { signal: AbortSignal.timeout(10_000) })).text();
    const segment = lastSegment(text);
    if (!segment) throw new Error(`no segment in ${playlistUrl}: ${text.slice(0, 500)}`);
    const segmentUrl = new URL(segment.uri, playlistUrl).href;
    segments.push({ ...segment, phase: await deliveryPhase(cleanup, serverPids, segmentUrl, seconds) });
  }
  const segment = medianBy(segments, (s) => s.phase.ok / s.phase.seconds);
  return {
    playlist: medianBy(playlists, (p) => p.ok / p.seconds),
    segment: segment.phase,
    segmentUri: segment.uri,
    segmentSeconds: segment.seconds,
  };
}

/** The element with the median value (the lower middle one of an even count). */
function medianBy<T>(items: readonly T[], value: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

// ---- publishers ------------------------------------------------------------------------------------------

// ---- wire clock: a relay between each publisher and the server ----------------------------------------------

/** When each video frame's message had fully left the publisher, by RTMP timestamp. */
interface WireClock {
  firstKeyframeTs: number | undefined;
  /** [RTMP timestamp ms, arrival ms] of AVC coded-frame messages. */
  samples: Array<[number, number]>;
  parseErrors: number;
}

/**
 * A TCP relay 127.0.0.1:<port> -> the server, one per publisher, that reads a copy of the client's
 * chunk stream (after C0+C1+C2) with our ChunkReader and timestamps each video message as its last
 * byte passes. Adds one loopback hop (well under a millisecond) and some CPU in this process.
 */
async function startRelay(cleanup: Cleanup, targetPort: number): Promise<{ port: number; clock: WireClock }> {
  const clock: WireClock = { firstKeyframeTs: undefined, samples: [], parseErrors: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
    const reader = new ChunkReader({ maxMessageSize: 64 * MB });
    let handshake = 1 + 2 * HANDSHAKE_SIZE;
    let failed = false;
    client.on('data', (chunk: Buffer) => {
      const now = Date.now();
      let bytes = chunk;
      if (handshake > 0) {
        const skipped = Math.min(handshake, bytes.length);
        handshake -= skipped;
        bytes = bytes.subarray(skipped);
      }
      if (failed || bytes.length === 0) return;
      try {
        for (const message of reader.push(bytes)) {
          const payload = message.payload;
          if (message.typeId === 1 && payload.length >= 4) reader.setChunkSize(payload.readUInt32BE(0) & 0x7fffffff);
          else if (message.typeId === 9 && payload.length >= 2 && (payload[0]! & 0x0f) === 7 && payload[1] === 1) {
            if (clock.firstKeyframeTs === undefined && payload[0]! >> 4 === 1)
              clock.firstKeyframeTs = message.timestamp;
            clock.samples.push([message.timestamp, now]);
          }
        }
      } catch {
        failed = true;
        clock.parseErrors++;
      }
    });
  });
  const port = await listenOnFreePort(server);
  cleanup.add('relay', async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port, clock };
}

/** Relays (or direct URLs with BENCH_WIRE_CLOCK=0) for `names` on a server's RTMP port. */
async function publishTargets(
  cleanup: Cleanup,
  rtmpPort: number,
  names: string[],
): Promise<Array<{ url: string; clock: WireClock | undefined }>> {
  const targets: Array<{ url: string; clock: WireClock | undefined }> = [];
  for (const name of names) {
    if (!WIRE_CLOCK) {
      targets.push({ url: `rtmp://127.0.0.1:${rtmpPort}/live/${name}`, clock: undefined });
      continue;
    }
    const relay = await startRelay(cleanup, rtmpPort);
    targets.push({ url: `rtmp://127.0.0.1:${relay.port}/live/${name}`, clock: relay.clock });
  }
  return targets;
}

// ---- RapidRTMP ---------------------------------------------------------------------------------------------

interface ParsedSegment {
  msn: number;
  pdt: number | undefined;
  duration: number | undefined;
  complete: boolean;
  parts: Array<{ index: number; start: number; duration: number }>;
}

/** The segments (complete and open) of an LL-HLS media playlist with their PDT, and the preload hint. */
export function parseMediaPlaylist(text: string): {
  segments: ParsedSegment[];
  hint?: { msn: number; index: number };
  discontinuities: number;
} {
  const segments: ParsedSegment[] = [];
  let discontinuities = 0;
  let msn = 0;
  let current: ParsedSegment | undefined;
  let hint: { msn: number; index: number } | undefined;
  const here = () => (current ??= { msn, pdt: undefined, duration: undefined, complete: false, parts: [] });
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) msn = Number(line.slice(22));
    else if (line === '#EXT-X-DISCONTINUITY') discontinuities++;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) here().pdt = Date.parse(line.slice(25));
    else if (line.startsWith('#EXT-X-PART:')) {
      const segment = here();
      const duration = Number(/DURATION=([\d.]+)/.exec(line)?.[1]);
      const index = Number(/URI="part-\d+\.(\d+)\.m4s"/.exec(line)?.[1]);
      const last = segment.parts[segment.parts.length - 1];
      segment.parts.push({ index, duration, start: last ? last.start + last.duration : 0 });
    } else if (line.startsWith('#EXTINF:')) here().duration = Number(line.slice(8).split(',')[0]);
    else if (line.startsWith('#EXT-X-PRELOAD-HINT:')) {
      const m = /URI="part-(\d+)\.(\d+)\.m4s"/.exec(line);
      if (m) hint = { msn: Number(m[1]), index: Number(m[2]) };
    } else if (line !== '' && !line.startsWith('#')) {
      const segment = here();
      segment.complete = true;
      segments.push(segment);
      current = undefined;
      msn++;
    }
  }
  if (current && current.parts.length > 0) segments.push(current);
  // PDT is on every segment here; carry it forward anyway for playlists that only tag some.
  for (let i = 1; i < segments.length; i++) {
    const previous = segments[i - 1];
    if (segments[i]!.pdt === undefined && previous!.pdt !== undefined && previous!.duration !== undefined)
      segments[i]!.pdt = previous!.pdt + previous!.duration * 1000;
  }
  return { segments, hint, discontinuities };
}

/** `<baseUrl>/live/<playbackId>/<instance>/media.m3u8`, from the stream's multivariant playlist. */
async function mediaPlaylistUrl(baseUrl: string, playbackId: string): Promise<string> {
  const multivariant = await (
    await fetch(`${baseUrl}/live/${playbackId}/index.m3u8`, { signal: AbortSignal.timeout(15_000) })
  ).text();
  const mediaUri = multivariant.split('\n').find((line) => line !== '' && !line.startsWith('#'));
  if (!mediaUri) throw new Error(`no media playlist in ${multivariant}`);
  return `${baseUrl}/live/${playbackId}/${mediaUri}`;
}

/**
 * Follows one stream's LL-HLS media playlist like a low-latency player: blocking reloads
 * (`_HLS_msn`/`_HLS_part` of the preload hint; BENCH_LAG_MODE=poll: plain GETs every 100 ms) and, for
 * every part and segment that appears after the first response, records when it was first listed.
 * Lag = first seen - (PDT of its segment + its start offset + its duration).
 */
async function followRapid(
  baseUrl: string,
  playbackId: string,
  stop: AbortSignal,
  window: { start: number; end: number },
  out: StreamLag,
): Promise<void> {
  const url = await mediaPlaylistUrl(baseUrl, playbackId);
  const seenParts = new Set<string>();
  const seenSegments = new Set<number>();
  let first = true;
  let hint: { msn: number; index: number } | undefined;
  while (!stop.aborted) {
    const query = LAG_MODE === 'block' && hint ? `?_HLS_msn=${hint.msn}&_HLS_part=${hint.index}` : '';
    let response: Response;
    try {
      response = await fetch(url + query, { signal: AbortSignal.any([stop, AbortSignal.timeout(15_000)]) });
    } catch {
      if (stop.aborted) return;
      out.errors++;
      await sleep(POLL_MS);
      continue;
    }
    const body = await response.text();
    const seenAt = Date.now();
    if (response.status !== 200) {
      out.errors++;
      hint = undefined;
      await sleep(POLL_MS);
      continue;
    }
    const playlist = parseMediaPlaylist(body);
    const inWindow = seenAt >= window.start && seenAt <= window.end;
    out.discontinuities = Math.max(out.discontinuities, playlist.discontinuities);
    for (const segment of playlist.segments) {
      if (segment.pdt === undefined) continue;
      if (segment.msn === 0) out.anchor = segment.pdt;
      for (const part of segment.parts) {
        const key = `${segment.msn}.${part.index}`;
        if (seenParts.has(key)) continue;
        seenParts.add(key);
        if (!first && inWindow) out.parts.push(seenAt - (segment.pdt + (part.start + part.duration) * 1000));
      }
      if (segment.complete && segment.duration !== undefined && !seenSegments.has(segment.msn)) {
        seenSegments.add(segment.msn);
        if (!first && inWindow) out.segments.push(seenAt - (segment.pdt + segment.duration * 1000));
      }
    }
    first = false;
    hint = playlist.hint;
    if (LAG_MODE === 'poll' || !hint) await sleep(POLL_MS);
  }
}

/**
 * The viewer window, after the ingest window: one LL-HLS follower per stream (`followRapid`), then
 * WARMUP_SECONDS for their first reloads to settle, then WINDOW_SECONDS measured; the followers stop at
 * its end. It gives the lag figures and the server's CPU with those clients to serve, which the ingest
 * window leaves out so that its CPU compares with nginx-rtmp's (which serves nothing in its window).
 */
/**
 * PROGRAM-DATE-TIME of segment 0, the lag anchor, read once per stream while segment 0 is still listed: the
 * followers start after the ingest window, when the playlist window has moved past it.
 */
async function segmentZeroPdt(baseUrl: string, playbackId: string): Promise<number | undefined> {
  const response = await fetch(await mediaPlaylistUrl(baseUrl, playbackId));
  const playlist = parseMediaPlaylist(await response.text());
  return playlist.segments.find((segment) => segment.msn === 0)?.pdt;
}

async function viewerWindow(
  baseUrl: string,
  playbackIds: string[],
  anchors: Array<number | undefined>,
  clocks: Array<WireClock | undefined>,
  serverPids: () => number[],
  publishers: ChildProcess[],
  stop: AbortController,
): Promise<{ measured: WindowResult; lag: LagSamples }> {
  const lags = clocks.map((clock, i) => ({ ...newStreamLag(clock), anchor: anchors[i] }));
  const window = { start: Date.now() + WARMUP_SECONDS * 1000, end: Number.POSITIVE_INFINITY };
  const followers = playbackIds.map((playbackId, i) =>
    followRapid(baseUrl, playbackId, stop.signal, window, lags[i]!).catch((error: unknown) => {
      lags[i]!.errors++;
      if (!stop.signal.aborted) console.error(`  follower ${playbackId}: ${(error as Error).message}`);
    }),
  );
  await sleep(Math.max(0, window.start - Date.now()));
  const measured = await measureWindow(serverPids, publishers, WINDOW_SECONDS);
  window.start = measured.start;
  window.end = measured.end;
  stop.abort();
  await Promise.race([Promise.all(followers), sleep(3000)]);
  return { measured, lag: finishLags(lags, measured) };
}

async function runRapid(streams: number, clip: string): Promise<Omit<RunResult, 'round'>> {
  const cleanup = new Cleanup();
  const stop = new AbortController();
  try {
    const databaseUrl = await createDatabase(cleanup);
    const {
      child: server,
      baseUrl,
      rtmpPort,
    } = await startServer(cleanup, databaseUrl, {
      env: serverEnv(),
      nodeArgs: [...GC_ON_SIGNAL_ARGS, ...SERVER_NODE_ARGS],
      logFile: SERVER_LOG ? `${SERVER_LOG}.n${streams}.log` : undefined,
    });
    const keys = await seedPublishers(databaseUrl, streams);
    const idle = await idleBaseline(() => [server.pid!], true);
    const idleComposition = await memoryComposition(baseUrl);

    const targets = await publishTargets(
      cleanup,
      rtmpPort,
      keys.map((k) => k.key),
    );
    const publishers = startPublishers(
      cleanup,
      clip,
      targets.map((t) => t.url),
    ).children;
    cleanup.add('lag followers', () => stop.abort());
    // Every stream has its first segment (the multivariant playlist answers 200).
    await waitLive(
      baseUrl,
      keys.map((k) => k.playbackId),
    );
    const anchors = await Promise.all(keys.map((k) => segmentZeroPdt(baseUrl, k.playbackId)));
    await sleep(WARMUP_SECONDS * 1000);
    // Ingest window: no HTTP client, as in nginx-rtmp's window, so the headline CPU and RSS are the same
    // work on both servers (publishers in, HLS packaged and written/recorded, nobody reading).
    const ingest = await measureWindow(() => [server.pid!], publishers, WINDOW_SECONDS);
    const composition = compositionChange(idleComposition, await memoryComposition(baseUrl));
    const rssAfterGc = await rssAfterFullGc(server.pid!);
    const viewers = await viewerWindow(
      baseUrl,
      keys.map((k) => k.playbackId),
      anchors,
      targets.map((t) => t.clock),
      () => [server.pid!],
      publishers,
      stop,
    );
    const delivery = await measureDelivery(
      cleanup,
      () => [server.pid!],
      await mediaPlaylistUrl(baseUrl, keys[0]!.playbackId),
    );
    return {
      server: 'RapidRTMP',
      streams,
      window: ingest,
      viewerWindow: viewers.measured,
      ...idle,
      composition,
      rssAfterGc,
      lag: viewers.lag,
      delivery,
    };
  } finally {
    stop.abort();
    await cleanup.run();
  }
}

// ---- nginx-rtmp --------------------------------------------------------------------------------------------

interface NginxSegment {
  id: number;
  duration: number;
  /** mtime of the first playlist version that listed it: when nginx wrote it (rename of the .bak). */
  listedAt: number;
}

interface NginxStreamWatch {
  name: string;
  /** Birth time of `<name>-0.ts`: nginx-rtmp opens the first fragment on the first video keyframe. */
  anchor: number | undefined;
  anchorFromBirthTime: boolean;
  lastMtime: number;
  segments: Map<number, NginxSegment>;
}

/** One poll of a stream's playlist: open, fstat and read the same inode, so mtime and content agree. */
async function pollNginxStream(hlsDir: string, watch: NginxStreamWatch): Promise<void> {
  if (watch.anchor === undefined) {
    try {
      const first = statSync(join(hlsDir, `${watch.name}-0.ts`));
      watch.anchorFromBirthTime = first.birthtimeMs > 0;
      watch.anchor = watch.anchorFromBirthTime ? first.birthtimeMs : Date.now();
    } catch {
      return;
    }
  }
  let handle;
  try {
    handle = await open(join(hlsDir, `${watch.name}.m3u8`), 'r');
  } catch {
    return;
  }
  try {
    const stat = await handle.stat();
    if (stat.mtimeMs === watch.lastMtime) return;
    watch.lastMtime = stat.mtimeMs;
    const text = await handle.readFile('utf8');
    let duration: number | undefined;
    for (const line of text.split('\n')) {
      if (line.startsWith('#EXTINF:')) duration = Number(line.slice(8).split(',')[0]);
      else if (line !== '' && !line.startsWith('#') && duration !== undefined) {
        const id = Number(/-(\d+)\.ts$/.exec(line)?.[1]);
        if (Number.isInteger(id) && !watch.segments.has(id))
          watch.segments.set(id, { id, duration, listedAt: stat.mtimeMs });
        duration = undefined;
      }
    }
  } finally {
    await handle.close();
  }
}

/**
 * Lag of each segment listed inside the window: listedAt - (estimated start wall time + duration), where
 * the start of segment k = anchor (first fragment's birth time, i.e. the arrival of the first keyframe)
 * + the EXTINF durations of segments 0..k-1. nginx-rtmp writes no PROGRAM-DATE-TIME, so this rebuilds
 * what RapidRTMP's PDT is by construction (wall clock at the first keyframe + media time).
 */
function nginxLags(watch: NginxStreamWatch, window: { start: number; end: number }): number[] {
  if (watch.anchor === undefined) return [];
  const lags: number[] = [];
  let elapsed = 0;
  const ids = [...watch.segments.keys()].sort((a, b) => a - b);
  for (let k = 0; k < ids.length; k++) {
    const segment = watch.segments.get(ids[k]!)!;
    if (ids[k] !== k) break; // a fragment we never saw listed: the cumulative sum would be wrong from here
    const end = watch.anchor + (elapsed + segment.duration) * 1000;
    if (segment.listedAt >= window.start && segment.listedAt <= window.end) lags.push(segment.listedAt - end);
    elapsed += segment.duration;
  }
  return lags;
}

async function runNginx(streams: number, clip: string): Promise<Omit<RunResult, 'round'>> {
  const cleanup = new Cleanup();
  let polling = true;
  try {
    const { rtmpPort: port, hlsDir, hlsBaseUrl, pids } = await startNginxRtmp(cleanup);
    const idle = await idleBaseline(pids);

    const names = Array.from({ length: streams }, (_, i) => `s${i}`);
    const watches: NginxStreamWatch[] = names.map((name) => ({
      name,
      anchor: undefined,
      anchorFromBirthTime: false,
      lastMtime: 0,
      segments: new Map(),
    }));
    const poller = (async () => {
      while (polling) {
        const started = Date.now();
        await Promise.all(watches.map((w) => pollNginxStream(hlsDir, w)));
        await sleep(Math.max(0, POLL_MS - (Date.now() - started)));
      }
    })();
    cleanup.add('nginx poller', async () => {
      polling = false;
      await poller;
    });
    const targets = await publishTargets(cleanup, port, names);
    const publishers = startPublishers(
      cleanup,
      clip,
      targets.map((t) => t.url),
    ).children;
    await waitFor(
      'every nginx playlist',
      () => (watches.every((w) => w.segments.size > 0) ? true : undefined),
      25_000,
      200,
    );
    await sleep(WARMUP_SECONDS * 1000);
    const measured = await measureWindow(pids, publishers, WINDOW_SECONDS);
    await sleep(POLL_MS * 2); // the last poll of the window
    const lags = watches.map((w, i) => ({
      ...newStreamLag(targets[i]!.clock),
      anchor: w.anchor,
      segments: nginxLags(w, measured),
    }));
    const fromBirth = watches.every((w) => w.anchorFromBirthTime);
    polling = false;
    const delivery = await measureDelivery(cleanup, pids, `${hlsBaseUrl}${names[0]}.m3u8`);
    return {
      server: 'nginx-rtmp',
      streams,
      window: measured,
      ...idle,
      lag: finishLags(lags, measured),
      delivery,
      note: fromBirth ? undefined : 'no file birth times here: anchors are poll times (lag biased low by up to 100 ms)',
    };
  } finally {
    polling = false;
    await cleanup.run();
  }
}

// ---- main -----------------------------------------------------------------------------------------------

/** A window's server CPU by thread, largest first: `main 12.3, V8 DefaultWorke 4.5, ...`. */
function threadSplit(window: WindowResult): string {
  return [...window.threadCpuPercent]
    .filter(([, percent]) => percent >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, percent]) => `${name} ${percent.toFixed(1)}`)
    .join(', ');
}

/** The server's name in the tables, with its round when there are several. */
const runLabel = (result: RunResult) => (REPEATS > 1 ? `${result.server} #${result.round}` : result.server);

function row(result: RunResult): string[] {
  const { window, lag } = result;
  const perStream = rssPerStream(result);
  const pair = (values: number[]) =>
    values.length === 0 ? '–' : `${fmt(percentile(values, 50))} / ${fmt(percentile(values, 95))}`;
  return [
    String(result.streams),
    runLabel(result),
    fmt(window.serverCpuPercent, 1),
    fmt(window.serverCpuPercent / result.streams, 2),
    fmt(result.viewerWindow?.serverCpuPercent, 1),
    fmt(perStream, 2),
    fmt(window.serverRssEnd / MB, 0),
    pair(lag.parts),
    pair(lag.segments),
    lag.corrections.length === 0 ? '–' : fmt(percentile(lag.corrections, 50)),
    `${lag.parts.length} / ${lag.segments.length}`,
    `${window.publishersAlive}/${result.streams}`,
    fmt(result.idleCpuPercent, 1),
    fmt(window.publishersCpuPercent, 0),
    fmt(window.benchCpuPercent, 0),
    fmt(window.machineBusyPercent, 0),
  ];
}

const DELIVERY_HEADERS = [
  'N',
  'server',
  'resource',
  'bytes',
  'req/s',
  'MB/s',
  'latency p50 / p99 ms',
  'errors',
  'server CPU %',
  'generator CPU %',
  'machine busy %',
];

function deliveryRows(result: RunResult): string[][] {
  const delivery = result.delivery;
  if (!delivery) return [];
  const row = (resource: string, phase: DeliveryPhase) => [
    String(result.streams),
    runLabel(result),
    resource,
    fmt(phase.ok > 0 ? phase.bytes / phase.ok : NaN),
    fmt(phase.ok / phase.seconds),
    fmt(phase.bytes / phase.seconds / MB, 1),
    `${fmt(phase.latencyP50, 1)} / ${fmt(phase.latencyP99, 1)}`,
    Object.entries(phase.errors)
      .map(([kind, count]) => `${kind}: ${count}`)
      .join(', ') || 'none',
    fmt(phase.serverCpuPercent, 0),
    fmt(phase.generatorCpuPercent, 0),
    fmt(phase.machineBusyPercent, 0),
  ];
  return [
    row('media playlist', delivery.playlist),
    row(`segment ${delivery.segmentUri} (${fmt(delivery.segmentSeconds, 2)} s)`, delivery.segment),
  ];
}

/** `value` with its sign, `+` included. */
const signed = (value: number, decimals = 0): string => `${value >= 0 ? '+' : ''}${fmt(value, decimals)}`;

/** RapidRTMP / nginx-rtmp; with `lag`, also the difference (a ratio of two lags near 0 ms means little). */
function ratio(rapid: number, nginx: number, lag = false): string {
  if (!Number.isFinite(rapid) || !Number.isFinite(nginx)) return '–';
  const times = Math.abs(nginx) >= (lag ? 5 : 1e-9) ? `${fmt(rapid / nginx, 2)}x` : undefined;
  if (!lag) return times ?? '–';
  const difference = `${signed(rapid - nginx)} ms`;
  return times ? `${times} (${difference})` : `${difference} (nginx ~0 ms)`;
}

/** The median of a figure over a server's rounds at one N (NaN where no round has it). */
function medianOf(runs: readonly RunResult[], figure: (run: RunResult) => number): number {
  const values = runs.map(figure).filter((value) => Number.isFinite(value));
  return values.length === 0 ? NaN : percentile(values, 50);
}

/** Per N run on both servers: the figures side by side (medians over the rounds) and their ratio. */
function comparisonRows(results: RunResult[]): string[][] {
  const rows: string[][] = [];
  for (const streams of STREAM_COUNTS) {
    const rapidRuns = results.filter((r) => r.server === 'RapidRTMP' && r.streams === streams);
    const nginxRuns = results.filter((r) => r.server === 'nginx-rtmp' && r.streams === streams);
    if (rapidRuns.length === 0 || nginxRuns.length === 0) continue;
    const rapid = (figure: (run: RunResult) => number) => medianOf(rapidRuns, figure);
    const nginx = (figure: (run: RunResult) => number) => medianOf(nginxRuns, figure);
    const reqs = (phase: DeliveryPhase | undefined) => (phase ? phase.ok / phase.seconds : NaN);
    const megabytes = (phase: DeliveryPhase | undefined) => (phase ? phase.bytes / MB / phase.seconds : NaN);
    const cpu = (run: RunResult) => run.window.serverCpuPercent;
    const viewerCpu = rapid((run) => run.viewerWindow?.serverCpuPercent ?? NaN);
    const lagPercentile = (kind: 'parts' | 'segments', p: number) => (run: RunResult) => percentile(run.lag[kind], p);
    // [figure, RapidRTMP, nginx-rtmp, decimals, is a lag, ratio cell when not RapidRTMP / nginx-rtmp]
    const figures: Array<[string, number, number, number, boolean, string?]> = [
      ['server CPU % (1 core = 100)', rapid(cpu), nginx(cpu), 1, false],
      // RapidRTMP only (nginx-rtmp serves nothing here): instead of a ratio, what serving adds to the row above.
      [
        'server CPU % with one LL-HLS viewer per stream (nginx: none)',
        viewerCpu,
        NaN,
        1,
        false,
        `– (viewers add ${signed(viewerCpu - rapid(cpu), 1)})`,
      ],
      ['RSS per stream MB', rapid(rssPerStream), nginx(rssPerStream), 2, false],
      // What the streams hold once garbage is collected (nginx has no GC: the same figure).
      ['RSS per stream after a full GC MB', rapid(rssAfterGcPerStream), nginx(rssPerStream), 2, false],
      ['playlist req/s', rapid((r) => reqs(r.delivery?.playlist)), nginx((r) => reqs(r.delivery?.playlist)), 0, false],
      ['segment req/s', rapid((r) => reqs(r.delivery?.segment)), nginx((r) => reqs(r.delivery?.segment)), 0, false],
      // Each server's newest segment when the phase starts: another part of the clip, up to a tenth larger or smaller.
      [
        'segment MB/s (the segments differ in size)',
        rapid((r) => megabytes(r.delivery?.segment)),
        nginx((r) => megabytes(r.delivery?.segment)),
        0,
        false,
      ],
      [
        'part lag p50 ms (nginx: segment)',
        rapid(lagPercentile('parts', 50)),
        nginx(lagPercentile('segments', 50)),
        0,
        true,
      ],
      [
        'part lag p95 ms (nginx: segment)',
        rapid(lagPercentile('parts', 95)),
        nginx(lagPercentile('segments', 95)),
        0,
        true,
      ],
      ['segment lag p50 ms', rapid(lagPercentile('segments', 50)), nginx(lagPercentile('segments', 50)), 0, true],
      ['segment lag p95 ms', rapid(lagPercentile('segments', 95)), nginx(lagPercentile('segments', 95)), 0, true],
    ];
    for (const [figure, a, b, decimals, lag, ratioCell] of figures)
      rows.push([String(streams), figure, fmt(a, decimals), fmt(b, decimals), ratioCell ?? ratio(a, b, lag)]);
    if (rapidRuns.length > 1) {
      // Each round's own ratio: how far the median's verdict holds from round to round.
      const perRound = rapidRuns.flatMap((run) => {
        const other = nginxRuns.find((n) => n.round === run.round);
        return other ? [`${fmt(cpu(run) / cpu(other), 2)}x`] : [];
      });
      rows.push([
        String(streams),
        `server CPU ratio per round (${perRound.length} rounds)`,
        '',
        '',
        perRound.join(' '),
      ]);
    }
  }
  return rows;
}

/** One run's line, printed as it finishes. */
function logRun(result: RunResult, runStarted: number): void {
  const r = row(result);
  const viewers = result.viewerWindow;
  const round = REPEATS > 1 ? ` round ${result.round}` : '';
  console.log(
    `  ${result.server} N=${result.streams}${round}: CPU ${r[2]} %${viewers ? ` (${r[4]} % with one LL viewer/stream)` : ''}, ` +
      `RSS/stream ${r[5]} MB${result.rssAfterGc === undefined ? '' : ` (${fmt(rssAfterGcPerStream(result), 2)} after a full GC)`}, part lag p50/p95 ${r[7]} ms, ` +
      `segment lag ${r[8]} ms (anchor vs wire ${r[9]} ms), ${((Date.now() - runStarted) / 1000).toFixed(0)} s` +
      `${result.note ? ` (${result.note})` : ''}${result.lag.errors ? `, ${result.lag.errors} playlist/lag errors` : ''}` +
      `${result.lag.discontinuities ? `, ${result.lag.discontinuities} discontinuities` : ''}` +
      `; CPU by thread: ${threadSplit(result.window)}` +
      `${viewers ? `; with viewers: ${threadSplit(viewers)}, machine busy ${fmt(viewers.machineBusyPercent, 0)} %` : ''}` +
      `${result.composition ? `; ${result.composition}` : ''}`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const missing: string[] = [];
  if (!commandWorks('ffmpeg', ['-version'])) missing.push('ffmpeg');
  if (SERVERS.includes('nginx') && !nginxAvailable()) missing.push('nginx + libnginx-mod-rtmp');
  if (SERVERS.includes('rapidrtmp') && !existsSync(SERVER_ENTRY)) missing.push(`${SERVER_ENTRY} (npm run build)`);
  if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);

  const clip = await testClip(LIVE_CLIP, console.log);
  console.log(runHeader('RapidRTMP live load'));
  console.log(
    `clip: ${LIVE_CLIP.width}x${LIVE_CLIP.height}p${LIVE_CLIP.fps} H.264 ${LIVE_CLIP.videoKbps}k (bf ${LIVE_CLIP.bframes}, GOP ${LIVE_CLIP.gop}) + AAC ${LIVE_CLIP.audioKbps}k, ` +
      `${LIVE_CLIP.seconds} s looped; ${WINDOW_SECONDS} s measured per run after ${WARMUP_SECONDS} s warm-up ` +
      `(RapidRTMP: then ${WINDOW_SECONDS} s more with one LL-HLS viewer per stream); lag mode: ${LAG_MODE}`,
  );
  const results: RunResult[] = [];
  // Start-up, idle baseline (RapidRTMP: until V8's memory reducer ran, ~25 s), first segments, teardown.
  const delivery = DELIVERY_SECONDS > 0 ? 2 * DELIVERY_SECONDS + 3 * DELIVERY_ROUNDS : 0;
  // RapidRTMP measures two windows (ingest, then with viewers), each after its own warm-up.
  const windows = (server: string) => (server === 'nginx' ? 1 : 2) * (WINDOW_SECONDS + WARMUP_SECONDS);
  const perRunSeconds = (server: string) => windows(server) + delivery + (server === 'nginx' ? 12 : 45);
  for (const streams of STREAM_COUNTS) {
    for (let round = 1; round <= REPEATS; round++) {
      for (const server of SERVERS) {
        if ((Date.now() - started) / 1000 + perRunSeconds(server) > MAX_SECONDS) {
          console.log(`  (skipping ${server} N=${streams}: BENCH_MAX_SECONDS=${MAX_SECONDS} would be exceeded)`);
          continue;
        }
        const runStarted = Date.now();
        const run = server === 'nginx' ? await runNginx(streams, clip) : await runRapid(streams, clip);
        const result = { ...run, round };
        results.push(result);
        logRun(result, runStarted);
      }
    }
  }
  console.log('');
  console.log(
    table(
      [
        'N',
        'server',
        'CPU % (1 core = 100)',
        'CPU % per stream',
        'CPU % with 1 LL viewer/stream',
        'RSS/stream MB',
        'RSS MB',
        'part lag p50 / p95 ms',
        'segment lag p50 / p95 ms',
        'anchor vs wire ms',
        'samples (parts / segments)',
        'publishers alive',
        'idle CPU %',
        'ffmpeg CPU %',
        'bench CPU %',
        'machine busy %',
      ],
      results.map(row),
    ),
  );
  for (const server of new Set(results.map((r) => r.server))) {
    // The first round's runs: the marginal cost compares two N of the same kind of run.
    const runs = results.filter((r) => r.server === server && r.round === 1).sort((a, b) => a.streams - b.streams);
    if (runs.length < 2) continue;
    const [low, high] = [runs[0], runs[runs.length - 1]];
    const marginal = (high!.window.serverRssEnd - low!.window.serverRssEnd) / (high!.streams - low!.streams) / MB;
    const cpu = (high!.window.serverCpuPercent - low!.window.serverCpuPercent) / (high!.streams - low!.streams);
    console.log(
      `${server}: marginal cost per added stream (N=${low!.streams} -> N=${high!.streams}): ${fmt(marginal, 2)} MB RSS, ${fmt(cpu, 2)} % CPU`,
    );
  }
  if (results.some((r) => r.delivery)) {
    console.log('');
    console.log(table(DELIVERY_HEADERS, results.flatMap(deliveryRows)));
  }
  const compared = comparisonRows(results);
  if (compared.length > 0) {
    console.log('');
    console.log(table(['N', 'figure', 'RapidRTMP', 'nginx-rtmp', 'RapidRTMP / nginx-rtmp'], compared));
  }
  console.log('');
  console.log(
    [
      'How it is measured:',
      `- Windows: after every stream's first segment + ${WARMUP_SECONDS} s, a ${WINDOW_SECONDS} s window with no HTTP client on either server`,
      '  (publishers in, HLS packaged and written/recorded, nobody reading). RapidRTMP then starts one LL-HLS client per stream',
      `  and, after ${WARMUP_SECONDS} s more, measures a second ${WINDOW_SECONDS} s "viewer" window: the lags and "CPU % with 1 LL viewer/stream"`,
      '  come from it. nginx serves nothing in its window (its lag is read from disk), so the headline CPU and RSS compare',
      '  like with like; the viewer window shows what serving those clients adds to RapidRTMP.',
      '- CPU %: utime+stime deltas from /proc/<pid>/stat over the window without clients / wall time (100 = one core); nginx =',
      '  master + worker. "CPU % with 1 LL viewer/stream": the same over the viewer window (RapidRTMP only).',
      '- RSS/stream: (VmRSS at the end of the window without clients - VmRSS idle before the publishers connected) / N; nginx =',
      '  master + worker.',
      "  RapidRTMP's idle baseline is taken after two full GCs 5.5 s apart (SIGUSR2, bench/src/gc-on-signal.ts, loaded with",
      '  --expose-gc): the second one, seeing a low allocation rate, also shrinks the young generation start-up grew, so the',
      '  baseline holds neither start-up garbage nor that growth. "After a full GC": the same right after the window and one',
      '  more full GC: what the streams hold, without garbage waiting for a GC. The per-run line gives what the growth is made',
      "  of, from the server's /metrics (V8's young generation, the rest of the heap, external memory such as media slabs).",
      '  Marginal cost = difference of the totals between the smallest and largest N (fixed costs cancel).',
      '  RapidRTMP keeps the newest second of parts per stream in memory (HLS_MEMORY_SECONDS=1; the open segment grows on',
      '  disk part by part), the rest of the window on disk; nginx-rtmp writes fragments to files, whose page cache is not',
      '  in its RSS.',
      `- RapidRTMP lag (viewer window): one LL-HLS client per stream, ${LAG_MODE === 'block' ? 'blocking playlist reloads (_HLS_msn/_HLS_part of the preload hint)' : 'plain playlist GETs every 100 ms'};`,
      '  a part/segment is listed when the first response naming it arrives; its reference is EXT-X-PROGRAM-DATE-TIME + start',
      "  offset + duration. The server sets PDT = wall clock at the first keyframe's arrival + media time.",
      '- nginx lag: its .m3u8 polled every 100 ms (open + fstat + read of one inode); a segment is listed at the mtime of the first',
      '  playlist version naming it (nginx writes <name>.m3u8.bak and renames it: mtime = write time, no poll quantization).',
      '  Reference = birth time of <name>-0.ts (nginx-rtmp opens the first fragment on the first keyframe) + the EXTINF durations',
      '  up to and including the segment (nginx writes no PDT and has no parts).',
      '- Both references assume frame t arrives at anchor + t. ffmpeg -re sends the B-frame-delayed first frames at once (DTS',
      '  starts 2 frames below 0 and is shifted to 0 in FLV), so later frames arrive earlier than that. Each publisher therefore',
      '  goes through a loopback relay in this process that timestamps every video message as it passes: arrival(ts) = ts +',
      '  median(arrival - ts) over the window. "anchor vs wire" is how much later the anchor is than that line (median over',
      '  streams); the lag columns are corrected by it, i.e. they are (time listed) - (arrival of the media that ends the',
      '  part/segment), which includes the one-sample hold-back a fragmenter needs. Anchor-based figures = shown - that column.',
      '  BENCH_WIRE_CLOCK=0 turns the relay off and prints the uncorrected figures.',
      '- Context: idle CPU % = the server over 2 s just before the publishers connect; ffmpeg CPU % = all publishers; bench CPU % =',
      '  this process (relays; nginx: + its playlist polling); machine busy % = all cores from /proc/stat (100 = every core); all',
      '  over the window without clients. Everything shares the same cores, so under saturation the p95 lags measure the',
      '  machine as much as the server.',
      '- The LL-HLS clients of the viewer window make one blocking playlist request per part and stream (2/s with the default',
      "  0.5 s parts) and fetch no media; nginx's playlists are read from disk by this process, so its window includes no serving.",
      "  The per-run lines also give the viewer window's CPU by thread and machine busy %, the context of the lag figures.",
      `- Delivery (after the last window, lag clients stopped, publishers still running): ${HTTP_GENERATOR === 'wrk' ? '`wrk -t1` (one thread, --latency)' : 'a load generator in a child node process (http.Agent)'},`,
      `  ${DELIVERY_CONNECTIONS} keep-alive connections, each a loop of GETs for ${fmt(DELIVERY_SECONDS / DELIVERY_ROUNDS, 1)} s, in ${DELIVERY_ROUNDS} rounds of (a) then (b), the round with the median req/s shown: (a) stream 1's media playlist, plain GET`,
      '  (RapidRTMP /live/<playbackId>/<instance>/media.m3u8 rendered from memory; nginx <name>.m3u8 read from its hls_path by the',
      '  same nginx, sendfile on, no access log), (b) the newest complete segment listed when (b) starts (RapidRTMP fMP4 from memory,',
      '  nginx MPEG-TS file). req/s = 200 answers with the full body / wall time; anything else is an error. Server CPU % is sampled',
      '  over the same interval; the generator shares the two cores with the server (the same for both servers).',
      `- Rounds: ${REPEATS} per N (BENCH_REPEATS), each RapidRTMP then nginx-rtmp; with more than one, the side-by-side figures are`,
      '  the medians over the rounds and the CPU ratio of each round is listed under them.',
      '- Ratios: RapidRTMP / nginx-rtmp; above 1 means RapidRTMP uses more (CPU, RSS), serves more (req/s) or lags more. Lags are',
      '  also given as a difference, since a ratio of lags near 0 ms means little. nginx-rtmp has no parts: its live edge moves',
      "  by 2 s segments, so the part-lag row compares RapidRTMP's parts with nginx's segments.",
    ].join('\n'),
  );
  console.log(runFooter(started));
}

await runBenchmark(main, MAX_SECONDS + 120);
