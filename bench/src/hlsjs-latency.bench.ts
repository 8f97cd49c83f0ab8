// What a viewer gets: hls.js (the version in node_modules) in Debian's Chromium, playing one stream of the
// bench clip published by ffmpeg, for BENCH_SECONDS each: RapidRTMP in low-latency mode (LL-HLS) and in
// standard mode, and nginx-rtmp's MPEG-TS HLS in standard mode. Per row: live latency (hls.latency and
// wall clock against EXT-X-PROGRAM-DATE-TIME), stalls, and time to first frame.
//
//   node bench/dist/hlsjs-latency.bench.js
//   BENCH_SECONDS=60 BENCH_JOIN_SECONDS=10 BENCH_ROWS=rapidrtmp-ll,rapidrtmp-standard,nginx-standard
//   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { LIVE_CLIP, sleep, testClip, waitFor } from '@rapidrtmp/test-support';
import { launchChromium, startPlayerPageServer } from '@rapidrtmp/test-support/browser';
import {
  clipLabel,
  envNumber,
  fmt,
  machineJiffies,
  percentile,
  requireFfmpegAndServer,
  runFooter,
  runHeader,
  serverEnv,
  table,
} from './bench-support.js';
import { Cleanup, runBenchmark, startPublishers } from './bench-lifecycle.js';
import { startServer, waitLive } from './bench-server.js';
import { createDatabase, seedPublishers } from './bench-database.js';
import { nginxAvailable, startNginxRtmp } from './bench-nginx.js';

/** Where the time to first frame went: each start-up step and the first requests, in ms after loadSource(). */
function startupLine({ server, mode, report }: Playback): string {
  const origin = report.loadStartedAt ?? 0;
  const at = (value: number | string | undefined) => (typeof value === 'number' ? fmt(value - origin) : '–');
  const steps = [
    'manifestLoaded',
    'levelLoaded',
    'mediaLoading',
    'mediaLoaded',
    'bufferAppended',
    'loadedmetadata',
    'seeking',
    'seeked',
    'loadeddata',
    'canplay',
  ]
    .map((step) => `${step} ${at(report.startup[step])}`)
    .join(', ');
  const requests = report.startRequests
    .map((r) => `${r.name} ${fmt(r.start - origin)}-${fmt(r.end - origin)}`)
    .join(', ');
  const debug = report.debugLog.length > 0 ? `\n    hls.js: ${report.debugLog.join('\n    hls.js: ')}` : '';
  return `${server} ${mode} start-up (ms): ${steps}, first frame ${at(report.firstFrame ?? undefined)}; first media ${String(report.startup.firstMedia ?? '–')}; appends (ms@position/buffered end) ${String(report.startup.appends ?? '–')}; requests: ${requests}${debug}`;
}

/** Seconds of playback measured per row, after the first frame. */
const SECONDS = Math.min(envNumber('BENCH_SECONDS', 60), 300);
/** How long the stream has been live (first segment listed) when the player loads it. */
const JOIN_SECONDS = Math.min(envNumber('BENCH_JOIN_SECONDS', 10), 60);
const ROWS = (process.env.BENCH_ROWS ?? 'rapidrtmp-ll,rapidrtmp-standard,nginx-standard').split(',');
const SAMPLE_MS = 250;
/** hls.js maxLiveSyncPlaybackRate (1 = its default: never speeds up to reach its target latency). */
const PLAYER_RATE = envNumber('BENCH_PLAYER_RATE', 1);
/**
 * BENCH_PLAYER_WORKER=0: hls.js without its Web Worker (enableWorker: false), as RapidRTMP's own players run it:
 * fMP4 needs no transmuxing, and starting the worker costs ~0.35 s of the first frame on a 2-core VM.
 */
const PLAYER_WORKER = process.env.BENCH_PLAYER_WORKER !== '0';
/** BENCH_HLS_DEBUG=1: print hls.js's own log up to the first frame under each row (where start-up time goes). */
const HLS_DEBUG = process.env.BENCH_HLS_DEBUG === '1';
/** Extra server settings, `K=V,K=V` (e.g. `HLS_PART_SECONDS=0.33`). */
const SERVER_ENV = serverEnv();
const FIRST_FRAME_TIMEOUT_MS = 30_000;
/**
 * Extra joins per row after the measured playback, each in a fresh browser context, only to time the first frame:
 * one join lands wherever it lands in the GOP (how far back the keyframe is decides the browser's pre-roll), so the
 * time to first frame is reported over all joins (p50 / max). Spaced so that they fall at different GOP phases.
 */
const EXTRA_JOINS = Math.min(envNumber('BENCH_JOINS', 8), 30);

/** What the test player page (`@rapidrtmp/test-support/browser`) reports, as far as this bench reads it. */
interface PlayerReport {
  loadStartedAt: number | null;
  firstFrame: number | null;
  stalls: Array<{ start: number; end: number | null }>;
  samples: Array<{ at: number; latency: number; wallLatencyMs: number | null }>;
  errors: Array<{ details: string; fatal: boolean }>;
  fatal: Array<{ details: string }>;
  /** First time of each start-up step (manifestLoaded, levelLoaded, mediaLoading, …) and the first media loaded. */
  startup: Record<string, number | string>;
  startRequests: Array<{ name: string; start: number; end: number }>;
  /** hls.js's log lines up to the first frame (BENCH_HLS_DEBUG=1), "ms text". */
  debugLog: string[];
}

interface Playback {
  server: string;
  mode: 'low-latency' | 'standard';
  report: PlayerReport;
  /** performance.now() in the page when the measurement ended. */
  endedAt: number;
  lowLatencyMode: boolean;
  playedSeconds: number;
  wallSeconds: number;
  /** From the video element's getVideoPlaybackQuality() at the end, over the whole playback. */
  droppedFrames: number;
  totalFrames: number;
  machineBusyPercent: number;
  /** Time to first frame of the measured playback and of each extra join, ms. */
  firstFrameMs: number[];
}

function firstFrameMs(report: PlayerReport): number {
  return report.firstFrame !== null && report.loadStartedAt !== null ? report.firstFrame - report.loadStartedAt : NaN;
}

/** Opens the player page on `src` in `context` and waits for its first frame. */
async function openPlayer(
  context: BrowserContext,
  pageUrl: string,
  query: URLSearchParams,
  label: string,
): Promise<Page> {
  const tab = await context.newPage();
  await tab.goto(`${pageUrl}?${query.toString()}`);
  await waitFor(
    `${label}: first frame`,
    async () => await tab.evaluate<boolean>('window.report.firstFrame !== null'),
    FIRST_FRAME_TIMEOUT_MS,
    50,
  );
  return tab;
}

/** EXTRA_JOINS more joins of `query`, one fresh context each, closed at the first frame: their times to first frame. */
async function timeJoins(browser: Browser, pageUrl: string, query: URLSearchParams, label: string): Promise<number[]> {
  const times: number[] = [];
  const steps: string[] = [];
  const joinQuery = new URLSearchParams(query);
  joinQuery.set('sampleMs', '0');
  joinQuery.set('debug', '0');
  for (let join = 0; join < EXTRA_JOINS; join++) {
    // 0.3-2.3 s apart, stepping 0.61 s through a 2 s GOP so the joins spread over its phases.
    await sleep(300 + ((join * 610) % 2000));
    const context = await browser.newContext();
    try {
      const tab = await openPlayer(context, pageUrl, joinQuery, `${label} join ${join + 1}`);
      const report = await tab.evaluate<PlayerReport>('window.report');
      const ms = firstFrameMs(report);
      times.push(ms);
      const { seeking, seeked, appends } = report.startup;
      const seek = typeof seeking === 'number' && typeof seeked === 'number' ? fmt(seeked - seeking) : '–';
      steps.push(`${fmt(ms)} (seek ${seek}, appends ${String(appends ?? '–')})`);
    } finally {
      await context.close();
    }
  }
  console.log(`  ${label} joins, first frame ms: ${steps.join('; ')}`);
  return times;
}

/** Loads `src` in a fresh browser context, waits for the first frame, plays SECONDS and returns the report. */
async function play(
  browser: Browser,
  pageUrl: string,
  src: string,
  server: string,
  mode: Playback['mode'],
): Promise<Playback> {
  const context = await browser.newContext();
  const query = new URLSearchParams({
    src,
    ll: mode === 'low-latency' ? '1' : '0',
    sampleMs: String(SAMPLE_MS),
    rate: String(PLAYER_RATE),
    debug: HLS_DEBUG ? '1' : '0',
    worker: PLAYER_WORKER ? '1' : '0',
  });
  let playback: Omit<Playback, 'firstFrameMs'>;
  try {
    const tab = await openPlayer(context, pageUrl, query, `${server} ${mode}`);
    const currentTime = () => tab.evaluate<number>('document.getElementById("v").currentTime');
    const played0 = await currentTime();
    const machine0 = machineJiffies();
    const start = Date.now();
    await sleep(SECONDS * 1000);
    const played1 = await currentTime();
    const machine1 = machineJiffies();
    const wallSeconds = (Date.now() - start) / 1000;
    const [report, endedAt, lowLatencyMode, quality] = await tab.evaluate<
      [PlayerReport, number, boolean, { droppedVideoFrames: number; totalVideoFrames: number }]
    >(
      `((q) => [window.report, performance.now(), window.hls.lowLatencyMode,
        { droppedVideoFrames: q.droppedVideoFrames, totalVideoFrames: q.totalVideoFrames }])(
        document.getElementById('v').getVideoPlaybackQuality())`,
    );
    playback = {
      server,
      mode,
      report,
      endedAt,
      lowLatencyMode,
      playedSeconds: played1 - played0,
      wallSeconds,
      droppedFrames: quality.droppedVideoFrames,
      totalFrames: quality.totalVideoFrames,
      machineBusyPercent: ((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100,
    };
  } finally {
    await context.close();
  }
  const joins = await timeJoins(browser, pageUrl, query, `${server} ${mode}`);
  return { ...playback, firstFrameMs: [firstFrameMs(playback.report), ...joins] };
}

/** RapidRTMP (fresh database, one seeded publisher, ffmpeg publishing the clip): one playback per mode. */
async function runRapid(
  browser: Browser,
  pageUrl: string,
  clip: string,
  modes: Array<Playback['mode']>,
): Promise<Playback[]> {
  const cleanup = new Cleanup();
  try {
    const databaseUrl = await createDatabase(cleanup);
    const server = await startServer(cleanup, databaseUrl, { env: SERVER_ENV });
    const [key] = await seedPublishers(databaseUrl, 1);
    if (!key) throw new Error('no publisher seeded');
    startPublishers(cleanup, clip, [`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`]);
    await waitLive(server.baseUrl, [key.playbackId]);
    await sleep(JOIN_SECONDS * 1000);
    const results: Playback[] = [];
    for (const mode of modes)
      results.push(
        await play(browser, pageUrl, `${server.baseUrl}/live/${key.playbackId}/index.m3u8`, 'RapidRTMP', mode),
      );
    return results;
  } finally {
    await cleanup.run();
  }
}

/** nginx-rtmp (hls on, 2 s fragments, served by the same nginx): one playback in standard mode. */
async function runNginx(browser: Browser, pageUrl: string, clip: string): Promise<Playback> {
  const cleanup = new Cleanup();
  try {
    const nginx = await startNginxRtmp(cleanup);
    startPublishers(cleanup, clip, [`rtmp://127.0.0.1:${nginx.rtmpPort}/live/s0`]);
    const src = `${nginx.hlsBaseUrl}s0.m3u8`;
    await waitFor(
      'the nginx playlist',
      () =>
        fetch(src, { signal: AbortSignal.timeout(5000) }).then(
          (r) => r.status === 200,
          () => false,
        ),
      25_000,
      200,
    );
    await sleep(JOIN_SECONDS * 1000);
    return await play(browser, pageUrl, src, 'nginx-rtmp', 'standard');
  } finally {
    await cleanup.run();
  }
}

function row(playback: Playback): string[] {
  const { report } = playback;
  const seconds = (values: number[]) =>
    values.length === 0 ? '–' : `${fmt(percentile(values, 50), 2)} / ${fmt(percentile(values, 95), 2)}`;
  const latency = report.samples.map((s) => s.latency).filter((l) => Number.isFinite(l) && l > 0);
  const wall = report.samples.map((s) => s.wallLatencyMs).filter((l): l is number => l !== null && Number.isFinite(l));
  const stallMs = report.stalls.reduce((sum, s) => sum + ((s.end ?? playback.endedAt) - s.start), 0);
  const ttff = playback.firstFrameMs.filter(Number.isFinite);
  const errors = new Map<string, number>();
  for (const error of report.errors) errors.set(error.details, (errors.get(error.details) ?? 0) + 1);
  return [
    playback.server,
    `${playback.mode}${playback.lowLatencyMode === (playback.mode === 'low-latency') ? '' : ' (mode not applied!)'}`,
    seconds(latency),
    seconds(wall.map((ms) => ms / 1000)),
    String(report.stalls.length),
    fmt(stallMs / 1000, 2),
    ttff.length === 0
      ? '–'
      : `${fmt(percentile(ttff, 50))} / ${fmt(Math.max(...ttff))} (${ttff.length}: ${ttff.map((ms) => fmt(ms)).join(' ')})`,
    `${fmt(playback.playedSeconds, 1)} / ${fmt(playback.wallSeconds, 1)}`,
    `${fmt(playback.droppedFrames)} / ${fmt(playback.totalFrames)}`,
    `${latency.length} / ${wall.length}`,
    [...errors].map(([details, count]) => `${details}: ${count}`).join(', ') || 'none',
    fmt(playback.machineBusyPercent, 0),
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  requireFfmpegAndServer();
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) throw new Error(`missing: ${chromium} (apt-get install chromium)`);
  const nginxRow = ROWS.includes('nginx-standard');
  if (nginxRow && !nginxAvailable()) throw new Error('missing: nginx + libnginx-mod-rtmp');
  const modes = (['low-latency', 'standard'] as const).filter((mode) =>
    ROWS.includes(mode === 'low-latency' ? 'rapidrtmp-ll' : 'rapidrtmp-standard'),
  );

  const clip = await testClip(LIVE_CLIP, console.log);
  console.log(runHeader('hls.js live latency'));
  console.log(
    `player: maxLiveSyncPlaybackRate ${PLAYER_RATE}, enableWorker ${String(PLAYER_WORKER)}; server settings: ${JSON.stringify(SERVER_ENV)} (defaults otherwise)\n`,
  );
  const hlsVersion = (await import('hls.js/package.json', { with: { type: 'json' } })).default.version;
  console.log(
    `clip: ${clipLabel(LIVE_CLIP)} (GOP ${LIVE_CLIP.gop}, bf ${LIVE_CLIP.bframes}), ${LIVE_CLIP.seconds} s looped; ` +
      `hls.js ${hlsVersion} in ${chromium}; ${SECONDS} s measured per row, joined ${JOIN_SECONDS} s after the stream went live`,
  );

  const cleanup = new Cleanup();
  const results: Playback[] = [];
  try {
    const browser = await launchChromium();
    cleanup.add('Chromium', () => browser.close());
    const page = await startPlayerPageServer();
    cleanup.add('player page server', () => page.close());
    if (modes.length > 0) {
      results.push(...(await runRapid(browser, page.url, clip, modes)));
      for (const r of results) console.log(`  ${row(r).join(' | ')}\n  ${startupLine(r)}`);
    }
    if (nginxRow) {
      const result = await runNginx(browser, page.url, clip);
      results.push(result);
      console.log(`  ${row(result).join(' | ')}\n  ${startupLine(result)}`);
    }
  } finally {
    await cleanup.run();
  }

  console.log('');
  console.log(
    table(
      [
        'server',
        'hls.js mode',
        'hls.latency p50 / p95 s',
        'wall-clock latency (PDT) p50 / p95 s',
        'stalls',
        'stall time s',
        'time to first frame ms p50 / max (joins: each)',
        'played / wall s',
        'dropped / decoded frames',
        'samples (latency / PDT)',
        'hls.js errors (non-fatal)',
        'machine busy %',
      ],
      results.map(row),
    ),
  );
  console.log('');
  console.log(
    [
      'How it is measured:',
      `- One ffmpeg publisher (-re -stream_loop -1 -c copy) of the clip; the player loads the stream ${JOIN_SECONDS} s after its`,
      '  first segment is listed. RapidRTMP: the built server (defaults: 2 s segments, 0.25 s parts), its multivariant playlist;',
      '  nginx-rtmp: hls on, hls_fragment 2s, <name>.m3u8 served by the same nginx. The test player page of',
      '  @rapidrtmp/test-support/browser (hls.js from node_modules, muted autoplay video, its own origin), a fresh browser',
      '  context per row, hls.js defaults except lowLatencyMode (true / false) and liveDurationInfinity.',
      `- hls.latency: sampled every ${SAMPLE_MS} ms for ${SECONDS} s from the first frame (hls.js's estimate of the live edge,`,
      '  playlist edge + its age, minus currentTime).',
      '- Wall-clock latency: Date.now() - hls.playingDate (EXT-X-PROGRAM-DATE-TIME of the frame on screen). RapidRTMP sets PDT =',
      "  wall clock at the first keyframe's arrival + media time, so this is the time since the frame on screen reached the",
      '  server (up to ~67 ms early: ffmpeg -re sends the first frames at once, see live-load). nginx-rtmp writes no PDT: –.',
      '- Stalls: `waiting` events after the first frame; stall time = until the next `playing` (or the end).',
      '- Time to first frame: from hls.loadSource() to the first `playing`/`timeupdate` with currentTime > 0; over the measured',
      `  playback and ${EXTRA_JOINS} more joins (BENCH_JOINS), each in a fresh browser context, spread over the GOP's phases.`,
      '- Played / wall: media seconds played (currentTime) over the wall seconds measured; below 1 means stalls or a slowdown.',
      '  Dropped / decoded frames: getVideoPlaybackQuality() at the end (whole playback): a decoder short of CPU drops frames.',
      '- Everything (server, ffmpeg, Chromium decoding 720p30 in software) shares the same cores: see machine busy %.',
    ].join('\n'),
  );
  console.log(runFooter(started));
}

await runBenchmark(main, 3 * (SECONDS + JOIN_SECONDS + 60 + EXTRA_JOINS * 5) + 120);
