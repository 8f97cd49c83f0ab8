// In-process ingest throughput and allocation: real captured RTMP client byte streams replayed through
// RtmpServerSession (publish accepted) + FlvDemuxer, and with the LivePackager on top (RTMP -> fMP4
// parts/segments). No sockets, no server: the CPU cost of our protocol code per byte and per packet.
//
//   node bench/dist/ingest-replay.bench.js          (re-runs itself with --expose-gc)
//   BENCH_SECONDS=3 BENCH_SLICE_BYTES=65536 BENCH_720P=1
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { FlvDemuxer } from '@rapidrtmp/flv';
import { LivePackager } from '@rapidrtmp/hls';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { HANDSHAKE_SIZE, RtmpServerSession } from '@rapidrtmp/rtmp';
import { REPO_ROOT } from '@rapidrtmp/test-support';
import { ensureNodeFlags, envNumber, fmt, loadAverage, median, table } from './bench-support.js';
import { recordLiveClipCapture } from './rtmp-capture.js';

const gc = (globalThis as { gc?: () => void }).gc;

/** C0 + C1 + C2: what a client sends before its first chunk. */
const HANDSHAKE_BYTES = 1 + 2 * HANDSHAKE_SIZE;
const SECONDS_PER_CASE = envNumber('BENCH_SECONDS', 3);
const MAX_ITERATIONS = 200_000;
/** Socket reads are up to 64 KiB in Node; a capture is fed in slices of this size (views, no copy). */
const SLICE_BYTES = envNumber('BENCH_SLICE_BYTES', 64 * 1024);
/** Packets per allocation window of whole replays (small captures). */
const ALLOC_WINDOW_PACKETS = 2000;
/** Bytes of reads per allocation window inside one replay (large captures). */
const ALLOC_WINDOW_BYTES = 2 * 1024 * 1024;

interface Input {
  name: string;
  what: string;
  handshake: Buffer;
  slices: Buffer[];
  mediaBytes: number;
}

interface Replay {
  session: RtmpServerSession;
  finish: () => void;
  counts: { packets: number; malformed: number; protocolErrors: number };
  packager: LivePackager | undefined;
}

function loadInput(name: string, what: string, bytes: Buffer): Input {
  const media = bytes.subarray(HANDSHAKE_BYTES);
  const slices: Buffer[] = [];
  for (let at = 0; at < media.length; at += SLICE_BYTES) slices.push(media.subarray(at, at + SLICE_BYTES));
  return { name, what, handshake: bytes.subarray(0, HANDSHAKE_BYTES), slices, mediaBytes: media.length };
}

/**
 * One connection as the server wires it (libs/server/ingest/src/rtmp-connection.ts): a session that
 * accepts the publish, a FlvDemuxer (the session extends timestamps), and
 * optionally a LivePackager fed the way HlsStream feeds it. The handshake is done here, untimed.
 */
function openReplay(input: Input, withHls: boolean): Replay {
  const counts = { packets: 0, malformed: 0, protocolErrors: 0 };
  const demuxer = new FlvDemuxer();
  const packager = withHls ? new LivePackager() : undefined;
  const session: RtmpServerSession = new RtmpServerSession({
    send: () => undefined,
    onPublish: (request) => session.acceptPublish(request.streamId),
    onProtocolError: () => counts.protocolErrors++,
    onMedia: (media) => {
      counts.packets++;
      let event;
      try {
        event =
          media.kind === 'video'
            ? demuxer.pushVideo(media.timestamp, media.payload)
            : demuxer.pushAudio(media.timestamp, media.payload);
      } catch (error) {
        if (!(error instanceof MediaFormatError)) throw error;
        counts.malformed++;
        return;
      }
      if (!packager || !event) return;
      if (event.type === 'packet') packager.push(event.packet, Date.now());
      else if (event.type === 'config') packager.setTrackConfig(event.track, event.config);
    },
  });
  session.receive(input.handshake);
  return {
    session,
    counts,
    packager,
    finish: () => {
      session.end();
      packager?.end();
    },
  };
}

function feed(input: Input, replay: Replay): void {
  for (const slice of input.slices) replay.session.receive(slice);
  replay.finish();
}

interface Timing {
  iterations: number;
  packets: number;
  mediaMs: number;
  setupMs: number;
  perIterationUsPerPacket: number[];
}

function time(input: Input, withHls: boolean, seconds: number): Timing {
  const result: Timing = { iterations: 0, packets: 0, mediaMs: 0, setupMs: 0, perIterationUsPerPacket: [] };
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline && result.iterations < MAX_ITERATIONS) {
    const t0 = performance.now();
    const replay = openReplay(input, withHls);
    const t1 = performance.now();
    feed(input, replay);
    const t2 = performance.now();
    result.iterations++;
    result.packets += replay.counts.packets;
    result.setupMs += t1 - t0;
    result.mediaMs += t2 - t1;
    result.perIterationUsPerPacket.push(((t2 - t1) * 1000) / replay.counts.packets);
  }
  return result;
}

interface Allocation {
  heapPerPacket: number;
  externalPerPacket: number;
  /** GCs inside the window: with any, the external figure is only a lower bound (see the note). */
  gcs: number;
  packets: number;
}

/** Heap and external bytes allocated while `work` runs; see the note printed with the table. */
function measureAllocated(work: () => void): { heap: number; external: number; gcs: number } {
  gc!();
  gc!();
  const profiler = new v8.GCProfiler();
  profiler.start();
  const start = v8.getHeapStatistics();
  work();
  const end = v8.getHeapStatistics();
  const gcs = profiler.stop()?.statistics ?? [];
  let heap = end.used_heap_size - start.used_heap_size;
  let external = end.external_memory - start.external_memory;
  for (const event of gcs) {
    heap += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
    external += event.beforeGC.heapStatistics.externalMemory - event.afterGC.heapStatistics.externalMemory;
  }
  return { heap, external, gcs: gcs.length };
}

/**
 * Bytes allocated per packet. Small captures: a window of whole replays (>= ALLOC_WINDOW_PACKETS
 * packets) whose sessions were opened and handshaken before it. Large captures: a window of
 * ALLOC_WINDOW_BYTES of reads starting a quarter into one replay, so the external bytes stay well
 * below the ~32 MB of external growth at which V8 starts a GC. Up to three attempts for a GC-free window.
 */
function allocation(input: Input, withHls: boolean, packetsPerReplay: number): Allocation {
  let best: Allocation | undefined;
  for (let attempt = 0; attempt < 3 && (!best || best.gcs > 0); attempt++) {
    let packets: number;
    let measured: { heap: number; external: number; gcs: number };
    if (input.mediaBytes <= 2 * ALLOC_WINDOW_BYTES) {
      const opened = Array.from({ length: Math.max(1, Math.ceil(ALLOC_WINDOW_PACKETS / packetsPerReplay)) }, () =>
        openReplay(input, withHls),
      );
      measured = measureAllocated(() => {
        for (const replay of opened) feed(input, replay);
      });
      packets = opened.reduce((sum, r) => sum + r.counts.packets, 0);
    } else {
      const replay = openReplay(input, withHls);
      const from = Math.floor(input.slices.length / 4);
      const to = Math.min(input.slices.length, from + Math.ceil(ALLOC_WINDOW_BYTES / SLICE_BYTES));
      for (let i = 0; i < from; i++) replay.session.receive(input.slices[i]!);
      const before = replay.counts.packets;
      measured = measureAllocated(() => {
        for (let i = from; i < to; i++) replay.session.receive(input.slices[i]!);
      });
      packets = replay.counts.packets - before;
      for (let i = to; i < input.slices.length; i++) replay.session.receive(input.slices[i]!);
      replay.finish();
    }
    const result = {
      heapPerPacket: measured.heap / packets,
      externalPerPacket: measured.external / packets,
      gcs: measured.gcs,
      packets,
    };
    if (!best || result.gcs < best.gcs) best = result;
  }
  return best!;
}

async function main(): Promise<void> {
  const fixtures = new URL('libs/media/rtmp/fixtures/', `file://${REPO_ROOT}`);
  const inputs: Input[] = [
    loadInput(
      'ffmpeg-h264-aac.bin',
      'ffmpeg 5.1, 320x240 H.264 + AAC, 3 s (fixture)',
      readFileSync(new URL('ffmpeg-h264-aac.bin', fixtures)),
    ),
    loadInput(
      'gstreamer-h264-aac.bin',
      'GStreamer rtmp2sink, same source, 128-byte chunks (fixture)',
      readFileSync(new URL('gstreamer-h264-aac.bin', fixtures)),
    ),
  ];
  if (process.env.BENCH_720P !== '0') {
    const capture = await recordLiveClipCapture();
    if (capture) {
      inputs.push(
        loadInput(
          '720p30 2.5 Mbit/s capture',
          'ffmpeg -c copy of the live-load clip, 20 s, recorded once against our session',
          capture,
        ),
      );
    } else {
      console.log('(ffmpeg not found: the 720p input is skipped)');
    }
  }

  console.log(
    `RapidRTMP ingest replay, ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs ` +
      `(${cpus()[0]?.model ?? '?'}), load average ${loadAverage()}, ${SLICE_BYTES}-byte reads`,
  );
  for (const input of inputs) {
    const probe = openReplay(input, true);
    feed(input, probe);
    const window = probe.packager!.window;
    const segments = window.segments;
    const fmp4 = segments.reduce((sum, s) => sum + s.byteLength, 0);
    console.log(
      `  ${input.name}: ${fmt(input.mediaBytes / 1024)} KiB after the handshake, ${probe.counts.packets} media messages ` +
        `-> ${segments.length} segments / ${segments.reduce((n, s) => n + s.parts.length, 0)} parts, ${fmt(fmp4 / 1024)} KiB fMP4` +
        `${probe.counts.malformed || probe.counts.protocolErrors ? `, ${probe.counts.malformed} malformed, ${probe.counts.protocolErrors} protocol errors` : ''}` +
        ` (${input.what})`,
    );
  }

  const rows: string[][] = [];
  const setup: string[] = [];
  for (const input of inputs) {
    for (const withHls of [false, true]) {
      time(input, withHls, Math.min(0.3, SECONDS_PER_CASE / 5)); // warm-up: JIT, inline caches
      const timing = time(input, withHls, SECONDS_PER_CASE);
      const packetsPerReplay = timing.packets / timing.iterations;
      const alloc = allocation(input, withHls, packetsPerReplay);
      const seconds = timing.mediaMs / 1000;
      rows.push([
        input.name,
        withHls ? 'RTMP + FLV + LivePackager' : 'RTMP + FLV demux',
        fmt(timing.iterations),
        fmt((timing.iterations * input.mediaBytes) / seconds / 1e6, 1),
        fmt(timing.packets / seconds),
        fmt((timing.mediaMs * 1000) / timing.packets, 2),
        fmt(median(timing.perIterationUsPerPacket), 2),
        fmt(alloc.heapPerPacket),
        `${alloc.gcs > 0 ? '≥' : ''}${fmt(alloc.externalPerPacket)}`,
        fmt(alloc.gcs),
      ]);
      if (!withHls) setup.push(`${input.name}: ${fmt((timing.setupMs * 1000) / timing.iterations)} µs`);
    }
  }
  console.log('');
  console.log(
    table(
      [
        'input',
        'path',
        'replays',
        'MB/s',
        'packets/s',
        'µs/packet',
        'µs/packet (median replay)',
        'heap B/packet',
        'external B/packet',
        'GCs in alloc window',
      ],
      rows,
    ),
  );
  console.log('');
  console.log(`Session set-up + handshake (untimed above, per connection): ${setup.join('; ')}.`);
  console.log(`Load average at the end: ${loadAverage()} (other processes share these cores).`);
  console.log(
    [
      '',
      'How it is measured:',
      `- Each replay is one fresh connection: RtmpServerSession (accepting the publish) + FlvDemuxer,`,
      '  plus a LivePackager (2 s segments, 0.5 s parts) for the second path, wired as rtmp-connection.ts / hls-stream.ts do.',
      `  The handshake (C0+C1+C2, ${HANDSHAKE_BYTES} bytes) is fed before the clock starts; the rest of the capture is fed in`,
      `  ${SLICE_BYTES}-byte views (Node's socket read size), then session.end() and packager.end() run inside the clock.`,
      `- ~${SECONDS_PER_CASE} s of replays per row after a warm-up; MB/s counts capture bytes after the handshake; packets are`,
      '  RTMP audio/video messages; µs/packet = timed milliseconds / packets (the median replay column is robust to GC pauses).',
      `- Allocations: a separate window of whole replays (>= ${ALLOC_WINDOW_PACKETS} packets, sessions opened and handshaken before it;`,
      `  for captures over ${(2 * ALLOC_WINDOW_BYTES) / 1024 / 1024} MiB: ${ALLOC_WINDOW_BYTES / 1024 / 1024} MiB of reads from a quarter into one replay),`,
      '  gc() twice, then allocated = (used at end - used at start) + sum over every GC inside the window of (used before',
      '  that GC - used after it), from v8.getHeapStatistics() and v8.GCProfiler. This counts garbage too, which a plain',
      '  heapUsed delta misses as soon as a scavenge runs (and Node 20 has no total_allocated_bytes). "heap" is the V8 heap (JS objects, small strings, Buffer',
      '  headers); "external" is ArrayBuffer memory outside it (Buffer.allocUnsafe/concat backing stores, the fMP4 bytes).',
      '  V8 frees external memory partly after a GC has finished, so when a GC falls inside the window the external figure',
      '  is a lower bound (marked ≥); up to three attempts are made to get a GC-free window.',
    ].join('\n'),
  );
}

if (ensureNodeFlags(import.meta.url, ['--expose-gc'], typeof gc === 'function')) await main();
