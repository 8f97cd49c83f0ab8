// Shared helpers of the benchmarks: statistics, tables, /proc readers, the test clip, bounded waits.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root, from bench/dist/. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A number from the environment, or the fallback. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(value) ? value : fallback;
}

// ---- statistics ------------------------------------------------------------------------------------

/** Linear-interpolated percentile (p in 0..100) of unsorted values; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** Fixed decimals, or a dash for NaN/undefined. */
export function fmt(value: number | undefined, decimals = 0): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A Markdown table with padded columns (numbers right-aligned), ready to paste into a README. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^[-–+0-9.,≥ /%]*$/.test(r[i] ?? '')));
  const cell = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (cells: string[]) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

// ---- /proc ------------------------------------------------------------------------------------------

let clockTicks: number | undefined;

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat (100 on Linux almost everywhere). */
export function clockTicksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 5000 }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime of a process (all its threads), in seconds; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  // After ")": state(3) ppid(4) ... utime(14) stime(15): index = field number - 3.
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond();
}

/** utime + stime per thread name (comm) of a process, in seconds; the main thread is keyed `main`. */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = Number(tid) === pid ? 'main' : text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')).trim();
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond();
      byName.set(name, (byName.get(name) ?? 0) + seconds);
    } catch {
      // the thread ended
    }
  }
  return byName;
}

/** VmRSS in bytes; 0 once the process is gone. */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Direct children of a process, from /proc/<pid>/stat ppid fields. */
export function childPids(ppid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === ppid) children.push(Number(entry));
  }
  return children;
}

// ---- processes and ports -----------------------------------------------------------------------------

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Polls `probe` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** True when the command runs (exit 0) with these arguments. */
export function commandWorks(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/**
 * Re-runs this script under `node <flags>` (e.g. `--expose-gc`) unless they are already on, so the
 * documented command stays `node bench/dist/<name>.bench.js`. Returns false in the parent, which then
 * exits with the child's status.
 */
export function ensureNodeFlags(scriptUrl: string, flags: string[], present: boolean): boolean {
  if (present) return true;
  const child = spawnSync(
    process.execPath,
    [...flags, ...process.execArgv, fileURLToPath(scriptUrl), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exitCode = child.status ?? 1;
  return false;
}

// ---- the test clip ------------------------------------------------------------------------------------

export interface ClipSpec {
  seconds: number;
  width: number;
  height: number;
  fps: number;
  bframes: number;
  gop: number;
  videoKbps: number;
  audioKbps: number;
}

/** The live-load clip: 2.5 Mbit/s 720p30 H.264 (High, 2 B-frames, 2 s GOP) + AAC-LC 128 kbit/s, 20 s. */
export const LIVE_CLIP: ClipSpec = {
  seconds: 20,
  width: 1280,
  height: 720,
  fps: 30,
  bframes: 2,
  gop: 60,
  videoKbps: 2500,
  audioKbps: 128,
};

/**
 * The clip, encoded once per machine with the real ffmpeg and cached under the temp directory:
 * testsrc2 (moving pattern, so x264 spends its bits) and a sine tone. Bounded to 3 minutes.
 */
export async function ensureClip(spec: ClipSpec = LIVE_CLIP): Promise<string> {
  const dir = join(tmpdir(), 'rapidrtmp-bench');
  mkdirSync(dir, { recursive: true });
  const name = `clip-${spec.seconds}s-${spec.width}x${spec.height}p${spec.fps}-bf${spec.bframes}-g${spec.gop}-${spec.videoKbps}k-aac${spec.audioKbps}k.mp4`;
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const partial = `${path}.${process.pid}.partial.mp4`;
  const started = Date.now();
  process.stdout.write(`encoding the test clip once (${name}) ...`);
  await run(
    'ffmpeg',
    [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}:duration=${spec.seconds}`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:sample_rate=48000:duration=${spec.seconds}`,
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-profile:v',
      'high',
      '-pix_fmt',
      'yuv420p',
      '-bf',
      String(spec.bframes),
      '-g',
      String(spec.gop),
      '-keyint_min',
      String(spec.gop),
      '-sc_threshold',
      '0',
      '-b:v',
      `${spec.videoKbps}k`,
      '-maxrate',
      `${spec.videoKbps}k`,
      '-bufsize',
      `${spec.videoKbps * 2}k`,
      '-c:a',
      'aac',
      '-b:a',
      `${spec.audioKbps}k`,
      '-ac',
      '2',
      '-movflags',
      '+faststart',
      partial,
    ],
    { timeout: 180_000 },
  );
  renameSync(partial, path);
  process.stdout.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return path;
}
