// Restream CPU: one ffmpeg publisher (-re, looped, -c copy of the 2.5 Mbit/s 720p30 H.264 + AAC clip) on the
// server, pushed to N targets on nginx-rtmp (N stream names of one `live` application, no HLS there): the
// server's CPU with 0 targets, then with N live pushes, printed per target, with what each target received.
//
//   node bench/dist/restream.bench.js
//   BENCH_TARGETS=10 BENCH_WINDOW_SECONDS=20
import { LIVE_CLIP, sleep, startNginxRtmp, testClip, waitFor } from '@rapidrtmp/test-support';
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
import { nginxAvailable } from './bench-nginx.js';
import { startServer, waitLive } from './bench-server.js';

const TARGETS = Math.min(Math.max(1, envNumber('BENCH_TARGETS', 10)), 10); // the API's bound per key
const WINDOW_SECONDS = envNumber('BENCH_WINDOW_SECONDS', 20);
const WARMUP_SECONDS = 3;
const ADMIN = { email: 'bench-admin@example.com', password: 'bench admin password' };

interface PushStatus {
  state: string;
  bytesSent: number;
}

/** The REST calls the run makes as the first admin. */
async function adminApi(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...ADMIN, bearer: true }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return call;
}

interface Phase {
  targets: number;
  cpuPercent: number;
  /** What each target received on average (RTMP chunks), Mbit/s. */
  perTargetMbps: number;
}

async function main(): Promise<void> {
  requireFfmpegAndServer();
  if (!nginxAvailable())
    throw new Error('nginx + libnginx-mod-rtmp are needed (apt-get install nginx libnginx-mod-rtmp)');
  const started = Date.now();
  console.log(runHeader(`Restream: CPU per push target at N = ${TARGETS}`));
  const clip = await testClip(LIVE_CLIP, (line) => console.log(`  ${line}`));
  console.log(`clip: ${clipLabel(LIVE_CLIP)}; ${WINDOW_SECONDS} s windows after ${WARMUP_SECONDS} s of warm-up\n`);
  const phases: Phase[] = [];
  const cleanup = new Cleanup();
  try {
    const databaseUrl = await createDatabase(cleanup, 'rr_bench_restream');
    const server = await startServer(cleanup, databaseUrl, {
      // The targets are on 127.0.0.1, which the default outbound policy refuses.
      env: { OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
    });
    const nginx = await startNginxRtmp({ apps: ['live'] });
    cleanup.add('nginx', () => nginx.stop());
    const [seeded] = await seedPublishers(databaseUrl, 1);
    const publishers = startPublishers(cleanup, clip, [`rtmp://127.0.0.1:${server.rtmpPort}/live/${seeded!.key}`]);
    await waitLive(server.baseUrl, [seeded!.playbackId]);
    const call = await adminApi(server.baseUrl);
    const targetsPath = `/api/v1/stream-keys/${seeded!.streamKeyId}/push-targets`;
    const statuses = async () => (await call<Array<{ status: PushStatus }>>('GET', targetsPath)).map((t) => t.status);

    const measure = async (targets: number): Promise<Phase> => {
      await sleep(WARMUP_SECONDS * 1000);
      const sent = async () => (await statuses()).reduce((sum, s) => sum + s.bytesSent, 0);
      const [cpu0, bytes0, t0] = [cpuSeconds(server.child.pid!), await sent(), performance.now()];
      await sleep(WINDOW_SECONDS * 1000);
      const seconds = (performance.now() - t0) / 1000;
      const cpuPercent = ((cpuSeconds(server.child.pid!) - cpu0) / seconds) * 100;
      const perTargetMbps = targets > 0 ? (((await sent()) - bytes0) * 8) / seconds / 1e6 / targets : 0;
      const states = (await statuses()).map((s) => s.state);
      console.log(
        `  ${targets} targets: ${fmt(cpuPercent, 1)} % CPU, ${fmt(perTargetMbps, 2)} Mbit/s per target` +
          (targets > 0 ? ` (states at the end: ${[...new Set(states)].join(', ')})` : ''),
      );
      return { targets, cpuPercent, perTargetMbps };
    };

    phases.push(await measure(0));
    for (let i = 0; i < TARGETS; i++) {
      await call('POST', targetsPath, {
        label: `nginx ${i}`,
        url: `rtmp://127.0.0.1:${nginx.rtmpPort}/live`,
        streamKey: `restream-bench-${i}`,
      });
    }
    await waitFor(
      `${TARGETS} pushes live`,
      async () => ((await statuses()).every((s) => s.state === 'live') ? true : undefined),
      30_000,
      250,
    );
    phases.push(await measure(TARGETS));
    await publishers.stop();
  } finally {
    await cleanup.run();
  }
  const baseline = phases.find((p) => p.targets === 0)?.cpuPercent ?? 0;
  console.log(
    `\n${table(
      ['push targets', 'server CPU %', 'CPU % per target', 'Mbit/s per target'],
      phases.map((p) => [
        p.targets === 0 ? 'none (publisher + HLS only)' : `${p.targets} x nginx-rtmp`,
        fmt(p.cpuPercent, 1),
        p.targets === 0 ? '' : fmt((p.cpuPercent - baseline) / p.targets, 2),
        p.targets === 0 ? '' : fmt(p.perTargetMbps, 2),
      ]),
    )}`,
  );
  console.log('CPU % is of one core (the RapidRTMP process only); per target = (with targets - without) / N.');
  console.log(runFooter(started));
}

void runBenchmark(main, 600);
