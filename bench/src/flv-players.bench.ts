// Player CPU: one ffmpeg publisher (-re, looped, -c copy of the 2.5 Mbit/s 720p30 H.264 + AAC clip) and N
// RTMP play or HTTP-FLV players of it; server CPU with 0 players, then with N of each kind, printed per
// player. The same publisher and N RTMP players against nginx + libnginx-mod-rtmp (which serves RTMP play
// natively on the same `live` application, HLS on there too) for comparison.
//
//   node bench/dist/flv-players.bench.js
//   BENCH_PLAYERS=10 BENCH_WINDOW_SECONDS=20 BENCH_SERVERS=rapidrtmp,nginx
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import {
  acknowledgementMessage,
  ChunkWriter,
  ClientHandshakeReceiver,
  commandMessage,
  createClientHello,
  setChunkSizeMessage,
} from '@rapidrtmp/rtmp';
import { LIVE_CLIP, sleep, testClip } from '@rapidrtmp/test-support';
import {
  clipLabel,
  cpuSeconds,
  envNumber,
  fmt,
  requireFfmpegAndServer,
  runFooter,
  runHeader,
  table,
} from './bench-support.js';
import { Cleanup, runBenchmark, startPublishers } from './bench-lifecycle.js';
import { createDatabase, seedPublishers } from './bench-database.js';
import { nginxAvailable, startNginxRtmp } from './bench-nginx.js';
import { startServer, waitLive } from './bench-server.js';

const PLAYERS = Math.min(Math.max(1, envNumber('BENCH_PLAYERS', 10)), 200);
const WINDOW_SECONDS = envNumber('BENCH_WINDOW_SECONDS', 20);
const WARMUP_SECONDS = 3;
const SERVERS = (process.env.BENCH_SERVERS ?? 'rapidrtmp,nginx').split(',');
/** Acknowledge every this many bytes received (RTMP 5.4.3), well inside both servers' windows. */
const ACK_EVERY = 1_000_000;

/** A player that reads and discards: counts bytes; `close` ends it. */
interface Player {
  readonly received: number;
  close(): void;
}

/** An HTTP-FLV player: GET /live/<playbackId>.flv, read to the end. */
function httpFlvPlayer(url: string): Player {
  let received = 0;
  const req = request(url, (res) => {
    res.on('data', (chunk: Buffer) => (received += chunk.length));
  });
  req.on('error', () => undefined);
  req.end();
  return {
    get received() {
      return received;
    },
    close: () => req.destroy(),
  };
}

/**
 * An RTMP player as ffmpeg plays: handshake, Set Chunk Size, connect, createStream, play(name, -2000), then
 * reads everything and acknowledges what it received. No demuxing: the cost measured is the server's.
 */
function rtmpPlayer(port: number, app: string, name: string): Player {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  const handshake = new ClientHandshakeReceiver();
  const writer = new ChunkWriter();
  let received = 0;
  let acknowledged = 0;
  socket.on('error', () => undefined);
  socket.once('connect', () => socket.write(createClientHello()));
  socket.on('data', (bytes: Buffer) => {
    received += bytes.length;
    if (!handshake.done) {
      const { c2 } = handshake.push(bytes);
      if (!c2) return;
      const parts = [c2, writer.write(setChunkSizeMessage(4096))];
      writer.setChunkSize(4096);
      const tcUrl = `rtmp://127.0.0.1:${port}/${app}`;
      parts.push(
        writer.write(commandMessage(3, 0, 'connect', 1, { app, tcUrl, flashVer: 'LNX 9,0,124,2' })),
        writer.write(commandMessage(3, 0, 'createStream', 2, null)),
        writer.write(commandMessage(8, 1, 'play', 3, null, name, -2000)),
      );
      socket.write(Buffer.concat(parts));
      return;
    }
    if (received - acknowledged >= ACK_EVERY) {
      acknowledged = received;
      socket.write(writer.write(acknowledgementMessage(received % 0x1_0000_0000)));
    }
  });
  return {
    get received() {
      return received;
    },
    close: () => socket.destroy(),
  };
}

interface Measure {
  server: string;
  kind: string;
  players: number;
  cpuPercent: number;
  /** Mbit/s each player received (to show they kept up with the stream). */
  perPlayerMbps: number;
}

/** CPU of `pids` over WINDOW_SECONDS (after a warm-up) while `players` read. */
async function measure(server: string, kind: string, pids: () => number[], players: Player[]): Promise<Measure> {
  await sleep(WARMUP_SECONDS * 1000);
  const cpu = () => pids().reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const bytes = () => players.reduce((sum, p) => sum + p.received, 0);
  const [cpu0, bytes0, t0] = [cpu(), bytes(), performance.now()];
  await sleep(WINDOW_SECONDS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const cpuPercent = ((cpu() - cpu0) / seconds) * 100;
  const perPlayerMbps = players.length > 0 ? ((bytes() - bytes0) * 8) / seconds / 1e6 / players.length : 0;
  for (const player of players) player.close();
  console.log(
    `  ${server} ${kind} x${players.length}: ${fmt(cpuPercent, 1)} % CPU, ${fmt(perPlayerMbps, 2)} Mbit/s per player`,
  );
  await sleep(1000);
  return { server, kind, players: players.length, cpuPercent, perPlayerMbps };
}

async function main(): Promise<void> {
  requireFfmpegAndServer();
  const started = Date.now();
  console.log(runHeader(`RTMP play and HTTP-FLV players: CPU per player at N = ${PLAYERS}`));
  const clip = await testClip(LIVE_CLIP, (line) => console.log(`  ${line}`));
  console.log(`clip: ${clipLabel(LIVE_CLIP)}; ${WINDOW_SECONDS} s windows after ${WARMUP_SECONDS} s of warm-up\n`);
  const results: Measure[] = [];
  const cleanup = new Cleanup();
  try {
    if (SERVERS.includes('rapidrtmp')) {
      const databaseUrl = await createDatabase(cleanup, 'rr_bench_players');
      const server = await startServer(cleanup, databaseUrl); // migrates the database
      const [seeded] = await seedPublishers(databaseUrl, 1);
      const publishers = startPublishers(cleanup, clip, [`rtmp://127.0.0.1:${server.rtmpPort}/live/${seeded!.key}`]);
      await waitLive(server.baseUrl, [seeded!.playbackId]);
      const pids = () => [server.child.pid!];
      const flv = `${server.baseUrl}/live/${seeded!.playbackId}.flv`;
      results.push(await measure('RapidRTMP', 'none', pids, []));
      results.push(
        await measure(
          'RapidRTMP',
          'HTTP-FLV',
          pids,
          Array.from({ length: PLAYERS }, () => httpFlvPlayer(flv)),
        ),
      );
      results.push(
        await measure(
          'RapidRTMP',
          'RTMP play',
          pids,
          Array.from({ length: PLAYERS }, () => rtmpPlayer(server.rtmpPort, 'live', seeded!.playbackId)),
        ),
      );
      await publishers.stop();
    }
    if (SERVERS.includes('nginx')) {
      if (!nginxAvailable())
        console.log('  nginx-rtmp is not installed: skipped (apt-get install nginx libnginx-mod-rtmp)');
      else {
        const nginx = await startNginxRtmp(cleanup);
        const publishers = startPublishers(cleanup, clip, [`rtmp://127.0.0.1:${nginx.rtmpPort}/live/bench`]);
        await sleep(4000); // nginx has no readiness for a stream; the first keyframe is there well before
        results.push(await measure('nginx-rtmp', 'none', nginx.pids, []));
        results.push(
          await measure(
            'nginx-rtmp',
            'RTMP play',
            nginx.pids,
            Array.from({ length: PLAYERS }, () => rtmpPlayer(nginx.rtmpPort, 'live', 'bench')),
          ),
        );
        await publishers.stop();
      }
    }
  } finally {
    await cleanup.run();
  }
  const baseline = new Map(results.filter((r) => r.players === 0).map((r) => [r.server, r.cpuPercent]));
  console.log(
    `\n${table(
      ['server', 'players', 'server CPU %', 'CPU % per player', 'Mbit/s per player'],
      results.map((r) => [
        r.server,
        r.players === 0 ? 'none (publisher + HLS only)' : `${r.players} x ${r.kind}`,
        fmt(r.cpuPercent, 1),
        r.players === 0 ? '' : fmt((r.cpuPercent - (baseline.get(r.server) ?? 0)) / r.players, 2),
        r.players === 0 ? '' : fmt(r.perPlayerMbps, 2),
      ]),
    )}`,
  );
  console.log('CPU % is of one core; per player = (with players - without) / N.');
  console.log(runFooter(started));
}

void runBenchmark(main, 600);
