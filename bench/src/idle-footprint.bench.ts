// What the default start costs before anyone streams: time from `npm start`'s script to /readyz, and the
// memory of every process it runs (server + embedded PostgreSQL), idle, on an empty and on a reused
// DATA_DIR; the same server on the PostgreSQL at TEST_DATABASE_URL for comparison.
//   node bench/dist/idle-footprint.bench.js        (BENCH_IDLE_SECONDS=20 by default)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, REPO_ROOT } from './bench-support.js';

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 20);
const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface ProcessMemory {
  pid: number;
  command: string;
  rssKb: number;
  pssKb: number;
}

/** The process and all its descendants, from /proc (ppid is field 4 of /proc/<pid>/stat). */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) {
    for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  }
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
  const child: ChildProcess = spawn(process.execPath, [join(REPO_ROOT, 'scripts/start.mjs')], {
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
    let readyMs = -1;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline;) {
      const ok = await fetch(`http://127.0.0.1:${httpPort}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        readyMs = Date.now() - started;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (readyMs < 0) throw new Error(`${label}: not ready within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const processes = processTree(child.pid!).flatMap((pid) => memoryOf(pid) ?? []);
    return { label, readyMs, processes };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-idle-'));
  const database = `rr_bench_idle_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  try {
    const runs = [
      await startAndMeasure('embedded, empty DATA_DIR', dataDir),
      await startAndMeasure('embedded, restart with data', dataDir),
      await startAndMeasure('PostgreSQL server (DATABASE_URL)', mkdtempSync(join(tmpdir(), 'rr-bench-idle-')), {
        DATABASE_URL: url.toString(),
      }),
    ];
    console.log(`\n| start | start to /readyz | processes | RSS MB (sum) | PSS MB (sum) | server RSS MB |`);
    console.log(`| --- | --- | --- | --- | --- | --- |`);
    for (const run of runs) {
      const sum = (key: 'rssKb' | 'pssKb') => (run.processes.reduce((s, p) => s + p[key], 0) / 1024).toFixed(0);
      const server = run.processes[0]!;
      console.log(
        `| ${run.label} | ${(run.readyMs / 1000).toFixed(2)} s | ${run.processes.length} | ${sum('rssKb')} | ${sum('pssKb')} | ${(server.rssKb / 1024).toFixed(0)} |`,
      );
    }
    console.log(`\nProcesses of the restart run (idle ${IDLE_SECONDS} s after ready):`);
    for (const p of runs[1]!.processes) {
      console.log(
        `  ${String(p.pid).padStart(7)}  RSS ${(p.rssKb / 1024).toFixed(1).padStart(6)} MB  PSS ${(p.pssKb / 1024).toFixed(1).padStart(6)} MB  ${p.command}`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
