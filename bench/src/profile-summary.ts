// Where a CPU profile's time went, by part of the media path: `node bench/dist/profile-summary.js
// <file.cpuprofile>` (from `node --cpu-prof`, e.g. BENCH_SERVER_NODE_ARGS of live-load). Self time of each
// function is put in the first bucket whose rule matches its script URL and name; prints a Markdown table
// and the heaviest functions. PROFILE_SKIP_SECONDS=S and PROFILE_UNTIL_SECONDS=U keep only the samples
// between S and U seconds into the profile: the steady state, without start-up (module loading, migrations,
// publishers' key checks) and shutdown (sessions and recordings closing).
import { readFileSync } from 'node:fs';
import { table } from './bench-support.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Buckets in match order: the first rule that matches a function's script URL (or name) wins. */
const BUCKETS: Array<[bucket: string, matches: (url: string, name: string) => boolean]> = [
  ['idle', (_url, name) => name === '(idle)'],
  ['garbage collection', (_url, name) => name === '(garbage collector)'],
  ['RTMP chunks, AMF, handshake (libs/media/rtmp, amf)', (url) => /libs\/media\/(rtmp|amf)\//.test(url)],
  ['FLV demux (libs/media/flv)', (url) => url.includes('libs/media/flv/')],
  [
    'packaging: fMP4, segmenter, window (libs/media/fmp4, hls)',
    (url) => /libs\/media\/(fmp4|hls|media-core)\//.test(url),
  ],
  ['ingest wiring (libs/server/ingest, streams)', (url) => /libs\/server\/(ingest|streams)\//.test(url)],
  [
    'delivery (libs/server/delivery, fastify, http)',
    (url) => /libs\/server\/delivery\/|fastify|find-my-way|_http_|node:http/.test(url),
  ],
  ['storage and recordings', (url) => /libs\/server\/(storage|recordings)\/|node:fs|fs\/promises/.test(url)],
  ['database (typeorm, pg)', (url) => /typeorm|\/pg\/|pg-protocol|pg-pool/.test(url)],
  ['metrics (prom-client)', (url) => /prom-client|libs\/server\/metrics\//.test(url)],
  ['logging (pino)', (url) => /pino|sonic-boom/.test(url)],
  [
    'sockets and streams (node:net, node:stream)',
    (url) => /node:net|node:stream|internal\/streams|stream_base/.test(url),
  ],
  ['module loading (start-up)', (url, name) => /modules\/(cjs|esm)/.test(url) || name === 'compileSourceTextModule'],
  ['other server code', (url) => url.includes('/libs/') || url.includes('/apps/')],
  ['other node internals', (url) => url.startsWith('node:') || url === ''],
  ['other dependencies', () => true],
];

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node bench/dist/profile-summary.js <file.cpuprofile>');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  const skipUs = Number(process.env.PROFILE_SKIP_SECONDS ?? 0) * 1e6;
  const untilUs = Number(process.env.PROFILE_UNTIL_SECONDS ?? Infinity) * 1e6;
  let at = profile.startTime;
  let countedUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at - profile.startTime < skipUs || at - profile.startTime > untilUs) continue;
    countedUs += delta;
    selfMs.set(id, (selfMs.get(id) ?? 0) + delta / 1000);
  }
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  /**
   * Native and node-internal frames (writev, Buffer.concat, fs calls) count for the nearest caller whose
   * bucket is specific, so I/O shows under the part of the server that asked for it.
   */
  const GENERIC = new Set([
    'other node internals',
    'sockets and streams (node:net, node:stream)',
    'other dependencies',
  ]);
  const bucketOf = (id: number): string => {
    const own = byId.get(id)!.callFrame;
    const ownBucket = BUCKETS.find(([, matches]) => matches(own.url, own.functionName || '(anonymous)'))![0];
    if (!GENERIC.has(ownBucket)) return ownBucket;
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const { url, functionName } = byId.get(at)!.callFrame;
      const bucket = BUCKETS.find(([, matches]) => matches(url, functionName || '(anonymous)'))![0];
      if (!GENERIC.has(bucket)) return bucket;
    }
    return ownBucket;
  };
  const totalMs = countedUs / 1000;
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let busyMs = 0;
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const bucket = bucketOf(id);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + ms);
    if (bucket !== 'idle') busyMs += ms;
    const key = `${name} ${url.replace(/^.*\/(libs|apps|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
  }
  const pct = (ms: number) => `${((100 * ms) / busyMs).toFixed(1)} %`;
  console.log(
    `${file}: ${(totalMs / 1000).toFixed(1)} s profiled, main thread busy ${((100 * busyMs) / totalMs).toFixed(1)} %\n`,
  );
  console.log(
    table(
      ['part of the main thread', 'ms', 'share of busy time'],
      [...buckets]
        .filter(([bucket]) => bucket !== 'idle')
        .sort((a, b) => b[1] - a[1])
        .map(([bucket, ms]) => [bucket, ms.toFixed(0), pct(ms)]),
    ),
  );
  console.log();
  console.log(
    table(
      ['heaviest functions (self time)', 'ms', 'share'],
      [...functions]
        .filter(([key]) => !key.startsWith('(idle)'))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 25)
        .map(([key, ms]) => [key, ms.toFixed(0), pct(ms)]),
    ),
  );
}

main();
