// Many streams at once, in one process, without sockets: the 720p capture replayed into N pipelines whose
// reads interleave the way N publishers' do, each pipeline as the server wires it (RtmpServerSession ->
// FlvDemuxer -> LiveStream with its keyframe window -> LivePackager keeping HLS_MEMORY_SECONDS). What the
// single-stream replay (ingest-replay) cannot show: how long media objects live while N streams allocate
// beside them, which decides what V8 promotes and how often it must mark-compact the old generation.
// Deterministic (no timers, no network), so it A/Bs GC changes the live-load bench's ±3 points hide.
//
//   node bench/dist/ingest-fanin.bench.js            BENCH_STREAMS=25 BENCH_MEDIA_SECONDS=60 BENCH_SLICE_BYTES=8192
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { FlvDemuxer } from '@rapidrtmp/flv';
import { LivePackager } from '@rapidrtmp/hls';
import { MediaFormatError } from '@rapidrtmp/media-core';
import { HANDSHAKE_SIZE, RtmpServerSession } from '@rapidrtmp/rtmp';
import { LiveStream } from '@rapidrtmp/server-streams';
import { envNumber, fmt, loadAverage } from './bench-support.js';
import { recordLiveClipCapture } from './rtmp-capture.js';

const STREAMS = Math.min(Math.max(1, envNumber('BENCH_STREAMS', 25)), 200);
/** Media seconds per stream in the measured stretch (after every stream has run one whole capture). */
const MEDIA_SECONDS = Math.min(envNumber('BENCH_MEDIA_SECONDS', 60), 600);
/** The server's shared socket read buffer (SHARED_READ_BUFFER_BYTES in socket-reads.ts): no read is larger. */
const READ_BUFFER_BYTES = 64 * 1024;
/** A publisher's socket reads at 2.5 Mbit/s are a few KiB: smaller slices interleave the streams finer. */
const SLICE_BYTES = Math.min(envNumber('BENCH_SLICE_BYTES', 8 * 1024), READ_BUFFER_BYTES);
const PART_SECONDS = envNumber('BENCH_PART_SECONDS', 0.25);
/** Seconds of the newest parts kept in memory, as HLS_MEMORY_SECONDS (every part counts as stored at once). */
const MEMORY_SECONDS = envNumber('BENCH_MEMORY_SECONDS', 1);
const MEMORY_PARTS = Math.ceil(MEMORY_SECONDS / PART_SECONDS - 1e-9);
/**
 * How reads arrive: copied into one shared buffer, as the server's plain RTMP sockets read (`shared`, the
 * default; socket-reads.ts), each in a fresh buffer of its own as Node's 'data' events give them (`fresh`),
 * or as views of the capture (`views`).
 */
const READS = (process.env.BENCH_READS ?? 'shared') as 'shared' | 'fresh' | 'views';
const sharedReadBuffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
const CAPTURE_SECONDS = 20;
const HANDSHAKE_BYTES = 1 + 2 * HANDSHAKE_SIZE;

/** One publisher's pipeline, restarted (a new session, stream and packager) when the capture ends. */
class Pipeline {
  private session!: RtmpServerSession;
  private stream!: LiveStream;
  private packager!: LivePackager;
  private next = 0;
  packets = 0;

  constructor(
    private readonly handshake: Buffer,
    private readonly slices: readonly Buffer[],
  ) {
    this.open();
  }

  /** Feeds the next read; returns its bytes. */
  step(): number {
    const slice = this.slices[this.next++]!;
    if (READS === 'fresh') this.session.receive(Buffer.from(slice));
    else if (READS === 'views') this.session.receive(slice);
    else this.session.receive(sharedReadBuffer.subarray(0, slice.copy(sharedReadBuffer)));
    if (this.next === this.slices.length) {
      this.close();
      this.open();
    }
    return slice.length;
  }

  close(): void {
    this.session.end();
    this.stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
    this.packager.end();
  }

  private open(): void {
    const demuxer = new FlvDemuxer();
    const packager = new LivePackager({
      partSeconds: PART_SECONDS,
      listener: (event) => {
        // As HlsStream does on every part (stored at once here, as the spill stores it).
        if (event.type === 'part') {
          packager.window.markStored(event.part.msn, event.part.index);
          packager.window.releaseStoredParts(MEMORY_PARTS);
        }
      },
    });
    const stream = new LiveStream(
      {
        id: 'bench',
        streamKeyId: 'bench',
        keyLabel: 'bench',
        playbackId: 'bench',
        ownerId: 'bench',
        ownerName: 'bench',
        remoteAddress: '127.0.0.1',
        startedAt: new Date(),
        signedPlayback: false,
        recordingEnabled: false,
      },
      { close: () => undefined },
    );
    stream.subscribe({
      name: 'hls',
      onEvent: (event) => {
        if (event.type === 'packet') packager.push(event.packet, Date.now());
        else if (event.type === 'config') packager.setTrackConfig(event.track, event.config);
      },
    });
    const session: RtmpServerSession = new RtmpServerSession({
      send: () => undefined,
      onPublish: (request) => session.acceptPublish(request.streamId),
      onMedia: (media) => {
        this.packets++;
        try {
          const event =
            media.kind === 'video'
              ? demuxer.pushVideo(media.timestamp, media.payload)
              : demuxer.pushAudio(media.timestamp, media.payload);
          if (event?.type === 'packet' || event?.type === 'config') stream.publish(event);
        } catch (error) {
          if (!(error instanceof MediaFormatError)) throw error;
        }
      },
    });
    session.receive(this.handshake);
    this.session = session;
    this.stream = stream;
    this.packager = packager;
    this.next = 0;
  }
}

interface GcTally {
  count: number;
  ms: number;
}

async function main(): Promise<void> {
  const capture = await recordLiveClipCapture();
  if (!capture) {
    console.log('ffmpeg not found: no capture to replay');
    return;
  }
  const media = capture.subarray(HANDSHAKE_BYTES);
  const slices: Buffer[] = [];
  for (let at = 0; at < media.length; at += SLICE_BYTES) slices.push(media.subarray(at, at + SLICE_BYTES));
  const bytesPerMediaSecond = media.length / CAPTURE_SECONDS;

  // Streams join one after another across a capture's length, so their keyframes and cuts do not align.
  const pipelines: Pipeline[] = [];
  const rounds = slices.length;
  const joinEvery = Math.max(1, Math.floor(rounds / STREAMS));
  for (let round = 0; pipelines.length < STREAMS || round < rounds * 2; round++) {
    if (pipelines.length < STREAMS && round % joinEvery === 0)
      pipelines.push(new Pipeline(capture.subarray(0, HANDSHAKE_BYTES), slices));
    for (const pipeline of pipelines) pipeline.step();
  }

  const profiler = new v8.GCProfiler();
  profiler.start();
  const measuredRounds = Math.ceil((MEDIA_SECONDS * bytesPerMediaSecond) / SLICE_BYTES);
  const packetsBefore = pipelines.reduce((sum, p) => sum + p.packets, 0);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  for (let round = 0; round < measuredRounds; round++) for (const pipeline of pipelines) bytes += pipeline.step();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const byType = new Map<string, GcTally>();
  for (const event of profiler.stop()?.statistics ?? []) {
    const tally = byType.get(event.gcType) ?? { count: 0, ms: 0 };
    tally.count++;
    tally.ms += event.cost / 1000;
    byType.set(event.gcType, tally);
  }
  const packets = pipelines.reduce((sum, p) => sum + p.packets, 0) - packetsBefore;
  const heap = v8.getHeapStatistics();
  const oldSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space');
  for (const pipeline of pipelines) pipeline.close();

  const streamSeconds = bytes / bytesPerMediaSecond;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const tally = (type: string) => byType.get(type) ?? { count: 0, ms: 0 };
  const scavenges = tally('Scavenge');
  const markCompacts = tally('MarkSweepCompact');
  const incremental = tally('IncrementalMarking');
  const pauseMs = [...byType.values()].reduce((sum, t) => sum + t.ms, 0);
  console.log(
    `RapidRTMP ingest fan-in, ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs ` +
      `(${cpus()[0]?.model ?? '?'}), load average ${loadAverage()}`,
  );
  console.log(
    `  ${STREAMS} streams of the 720p30 2.5 Mbit/s capture, ${fmt(SLICE_BYTES)}-byte reads interleaved, ` +
      `reads: ${READS}, ${MEMORY_SECONDS} s of parts in memory, ${PART_SECONDS} s parts: ${fmt(streamSeconds)} stream-seconds, ${fmt(packets)} messages in ${fmt(wallMs)} ms`,
  );
  console.log(
    `  CPU (all threads) per stream-second of media: ${fmt(cpuMs / streamSeconds, 3)} ms ` +
      `(= ${fmt(((cpuMs / streamSeconds) * STREAMS) / 10, 1)} % of a core for ${STREAMS} live streams); ` +
      `main thread wall ${fmt(wallMs / streamSeconds, 3)} ms, of it GC pauses ${fmt(pauseMs / streamSeconds, 3)} ms`,
  );
  console.log(
    `  GC per 100 stream-seconds: ${fmt((scavenges.count * 100) / streamSeconds, 1)} scavenges (${fmt((scavenges.ms * 100) / streamSeconds, 1)} ms), ` +
      `${fmt((markCompacts.count * 100) / streamSeconds, 2)} mark-compacts (${fmt((markCompacts.ms * 100) / streamSeconds, 1)} ms), ` +
      `${fmt((incremental.count * 100) / streamSeconds, 1)} incremental marking steps (${fmt((incremental.ms * 100) / streamSeconds, 1)} ms)`,
  );
  console.log(
    `  heap at the end: ${fmt(heap.used_heap_size / 1e6, 1)} MB used, old space ${fmt((oldSpace?.space_used_size ?? 0) / 1e6, 1)} MB, ` +
      `external ${fmt(heap.external_memory / 1e6, 1)} MB (${fmt(heap.external_memory / 1e6 / STREAMS, 2)} MB per stream)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
