// What the default start costs before anyone streams: time from `npm start`'s script to /readyz, and the
// memory of every process it runs (server + embedded PostgreSQL), idle, on an empty and on a reused
// DATA_DIR; the same server on the PostgreSQL at TEST_DATABASE_URL for comparison.
//   node bench/dist/idle-footprint.bench.js        (BENCH_IDLE_SECONDS=20 by default)
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@rapidrtmp/server-persistence/testing';
import { freePort, REPO_ROOT, SERVER_NODE_FLAGS, sleep, waitFor } from '@rapidrtmp/test-support';
import { childPids, envNumber, table } from './bench-support.js';

const IDLE_SECONDS = envNumber('BENCH_IDLE_SECONDS', 20);

interface ProcessMemory {
  pid: number;
  command: string;
  rssKb: number;
  pssKb: number;
}

/** The process and all its descendants. */
function processTree(root: number): number[] {
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...childPids(tree[i]!));
  return tree;
}

function memoryOf(pid: number): ProcessMemory | undefined {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const label = command[0]?.endsWith('sh') ? 'sh (supervisor)' : command.slice(0, 2).join(' ').slice(0, 60);
    return { pid, command: label, rssKb: field('Rss'), pssKb: field('Pss') };
  } catch {
    return undefined;
  }
}

async function startAndMeasure(label: string, dataDir: string, env: Record<string, string> = {}) {
  const httpPort = await freePort();
  const started = Date.now();
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(REPO_ROOT, 'scripts/start.mjs')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      HTTP_PORT: String(httpPort),
      RTMP_PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: 'ignore',
  });
  try {
    const readyMs = await waitFor(
      `${label}: /readyz`,
      () =>
        fetch(`http://127.0.0.1:${httpPort}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
          (r) => r.status === 200 && Date.now() - started,
          () => false as const,
        ),
      120_000,
      20,
    );
    await sleep(IDLE_SECONDS * 1000);
    const processes = processTree(child.pid!).flatMap((pid) => memoryOf(pid) ?? []);
    return { label, readyMs, processes };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  // Build first so the first run times a start, not a build.
  spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/build.mjs'), '--changed'], { stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-idle-'));
  const database = await createTestDatabase('rr_bench_idle');
  try {
    const runs = [
      await startAndMeasure('embedded, empty DATA_DIR', dataDir),
      await startAndMeasure('embedded, restart with data', dataDir),
      await startAndMeasure('PostgreSQL server (DATABASE_URL)', mkdtempSync(join(tmpdir(), 'rr-bench-idle-')), {
        DATABASE_URL: database.url,
      }),
    ];
    const mb = (kb: number) => (kb / 1024).toFixed(0);
    const sum = (run: (typeof runs)[number], key: 'rssKb' | 'pssKb') => run.processes.reduce((s, p) => s + p[key], 0);
    console.log(
      table(
        ['start', 'start to /readyz', 'processes', 'RSS MB (sum)', 'PSS MB (sum)', 'server RSS MB'],
        runs.map((run) => [
          run.label,
          `${(run.readyMs / 1000).toFixed(2)} s`,
          String(run.processes.length),
          mb(sum(run, 'rssKb')),
          mb(sum(run, 'pssKb')),
          mb(run.processes[0]!.rssKb),
        ]),
      ),
    );
    console.log(`\nProcesses of the restart run (idle ${IDLE_SECONDS} s after ready):`);
    for (const p of runs[1]!.processes) {
      console.log(
        `  ${String(p.pid).padStart(7)}  RSS ${mb(p.rssKb).padStart(4)} MB  PSS ${mb(p.pssKb).padStart(4)} MB  ${p.command}`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  }
}

await main();
