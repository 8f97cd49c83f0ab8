// Playlist rendering cost: the live media playlist is rendered on every (blocking) reload of every viewer.
//
// A SegmentWindow as the packager leaves it mid-stream (10 complete 2 s segments of four 0.5 s parts, the
// open segment at two parts) is rendered in a tight loop: LL-HLS (parts on the newest entries, preload
// hint, server control), plain HLS, and the multivariant playlist. Figures are µs per render (best of
// `PLAYLIST_BENCH_ROUNDS` rounds, the median beside it); a last case adds a part before every render, so
// nothing the renderer may keep between renders stays valid for long and young-generation collections per 100k renders
// (a proxy for allocation). `HLS_MODULE=<path to an index.js>` renders with another build of the library
// (e.g. a copy of an older dist) so two versions can be compared on the same machine, minutes apart.
import { PerformanceObserver } from 'node:perf_hooks';
import * as thisBuild from '@rapidrtmp/hls';
import type { MultivariantVariant } from '@rapidrtmp/hls';
import { sleep } from '@rapidrtmp/test-support';
import { envNumber, fmt, median, table } from './bench-support.js';

type HlsModule = typeof thisBuild;
/** Builds before the playlist model named the live renderer `renderMediaPlaylist`. */
type LiveRenderer = HlsModule['renderLivePlaylist'];

const WALL_CLOCK_START = Date.UTC(2026, 10, 24, 8, 0, 0);

function liveWindow(hls: HlsModule): InstanceType<HlsModule['SegmentWindow']> {
  const window = new hls.SegmentWindow({ segmentSeconds: 2, partSeconds: 0.5, windowSegments: 10 });
  window.addInit(0, Buffer.alloc(600), []);
  const chunk = { chunks: [Buffer.alloc(40_000)], byteLength: 40_000 };
  let clock = WALL_CLOCK_START;
  for (let msn = 0; msn < 15; msn++) {
    window.openSegment(0, false, clock);
    for (let part = 0; part < 4; part++) window.addPart(chunk, 0.5 + (part === 3 ? 0.002 : 0), part % 2 === 0);
    window.completeSegment(2.002);
    clock += 2002;
  }
  window.openSegment(0, false, clock);
  window.addPart(chunk, 0.5, true);
  window.addPart(chunk, 0.5, false);
  return window;
}

/**
 * Advances a window by one part per call (small parts: the copy of a segment's bytes is not what is
 * measured), so a render right after it sees a new part and, every fourth call, a new segment: the worst
 * case for anything the renderer caches between renders.
 */
function growingWindow(hls: HlsModule) {
  const window = new hls.SegmentWindow({ segmentSeconds: 2, partSeconds: 0.5, windowSegments: 10 });
  window.addInit(0, Buffer.alloc(600), []);
  const chunk = { chunks: [Buffer.alloc(100)], byteLength: 100 };
  let clock = WALL_CLOCK_START;
  const step = () => {
    if (window.open?.parts.length === 4) {
      window.completeSegment(2.002);
      clock += 2002;
    }
    if (!window.open) window.openSegment(0, false, clock);
    window.addPart(chunk, window.open!.parts.length === 3 ? 0.502 : 0.5, window.open!.parts.length % 2 === 0);
  };
  for (let i = 0; i < 60; i++) step();
  return { window, step };
}

let scavenges = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    // kind 1 = NODE_PERFORMANCE_GC_MINOR (a scavenge of the young generation).
    if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
  }
});

/** µs per call for each round, and scavenges per 100k calls over all rounds. */
async function measure(render: () => string, rounds: number, iterations: number) {
  let sink = 0;
  for (let i = 0; i < iterations; i++) sink += render().length;
  // GC entries arrive asynchronously: let the warm-up's drain before counting.
  await sleep(50);
  const perRound: number[] = [];
  const before = scavenges;
  for (let r = 0; r < rounds; r++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += render().length;
    perRound.push(Number(process.hrtime.bigint() - started) / 1000 / iterations);
  }
  await sleep(50);
  if (sink === 0) throw new Error('nothing rendered');
  return {
    best: Math.min(...perRound),
    median: median(perRound),
    scavengesPer100k: ((scavenges - before) * 100_000) / (rounds * iterations),
  };
}

async function main(): Promise<void> {
  const other = process.env.HLS_MODULE;
  const hls = other ? ((await import(other)) as HlsModule) : thisBuild;
  const rounds = envNumber('PLAYLIST_BENCH_ROUNDS', 15);
  const iterations = envNumber('PLAYLIST_BENCH_ITERATIONS', 20_000);
  observer.observe({ entryTypes: ['gc'] });

  const window = liveWindow(hls);
  const renderMultivariant = (variant: MultivariantVariant): string =>
    hls.marshalMultivariantPlaylist
      ? hls.marshalMultivariantPlaylist({ independentSegments: true, variants: [variant] })
      : (
          hls as unknown as { renderMultivariantPlaylist: (v: MultivariantVariant[]) => string }
        ).renderMultivariantPlaylist([variant]);
  const renderLive: LiveRenderer =
    hls.renderLivePlaylist ?? (hls as unknown as { renderMediaPlaylist: LiveRenderer }).renderMediaPlaylist;
  const variant = {
    uri: 'a1b2c3/media.m3u8',
    codecs: ['avc1.64001f', 'mp4a.40.2'],
    bandwidth: 2_600_000,
    averageBandwidth: 2_400_000,
    resolution: { width: 1280, height: 720 },
    frameRate: 30,
  };
  const cases: [string, () => string][] = [
    ['LL-HLS media playlist (10 segments, parts on 3)', () => renderLive(window)],
    ['plain HLS media playlist (10 segments)', () => renderLive(window, { lowLatency: false })],
    ['multivariant playlist (1 variant)', () => renderMultivariant(variant)],
  ];
  const growing = growingWindow(hls);
  const updating = growingWindow(hls);
  cases.push(
    [
      'LL-HLS, a new part before each render',
      () => {
        growing.step();
        return renderLive(growing.window);
      },
    ],
    [
      '  (the window update alone, for comparison)',
      () => {
        updating.step();
        return 'x';
      },
    ],
  );
  const rows: string[][] = [];
  for (const [name, render] of cases) {
    const result = await measure(render, rounds, iterations);
    rows.push([
      name,
      String(render().length),
      fmt(result.best, 2),
      fmt(result.median, 2),
      fmt(result.scavengesPer100k, 1),
    ]);
  }
  observer.disconnect();
  console.log(table(['playlist', 'bytes', 'µs/render (best)', 'µs/render (median)', 'scavenges / 100k renders'], rows));
  console.log(`\n${rounds} rounds of ${iterations} renders after as many warm-up renders; node ${process.version}.`);
}

await main();
