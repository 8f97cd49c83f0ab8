// Helpers of the benchmarks alone: statistics, tables, /proc readers, commands (the ones shared with the
// end-to-end tests, such as ports, waits and the test clip, are in @rapidrtmp/test-support).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type ClipSpec, REPO_ROOT, SERVER_ENTRY } from '@rapidrtmp/test-support';

/** A number from the environment, or the fallback. */
/** Extra server settings from `BENCH_SERVER_ENV=K=V,K=V` (e.g. `HLS_PART_SECONDS=0.25`). */
export function serverEnv(): Record<string, string> {
  return Object.fromEntries(
    (process.env.BENCH_SERVER_ENV ?? '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]),
  );
}

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
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
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
  const cell = (text: string, i: number) => (numeric[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (cells: string[]) => `| ${cells.map((c, i) => cell(c, i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

// ---- what a run prints about itself -----------------------------------------------------------------

/** The 1, 5 and 15 minute load averages (other jobs share these cores). */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** The commit of the working tree (`abc1234`, `+ changes` when it differs from it), or `?`. */
export function gitCommit(): string {
  try {
    const git = (args: string[]) =>
      execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 5000 }).trim();
    return `${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain', '--untracked-files=no']) ? ' + changes' : ''}`;
  } catch {
    return '?';
  }
}

/** The first line of a run: what, when, on which machine, how busy it was, and which commit. */
export function runHeader(title: string): string {
  return (
    `${title}, ${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ` +
    `Node ${process.version}, load average ${loadAverage()}, commit ${gitCommit()}`
  );
}

/** The last line of a run. */
export function runFooter(started: number): string {
  return `Load average at the end: ${loadAverage()}; total ${((Date.now() - started) / 1000).toFixed(0)} s.`;
}

/** `1280x720p30 H.264 2500k + AAC 128k` */
export function clipLabel(clip: ClipSpec): string {
  return `${clip.width}x${clip.height}p${clip.fps} H.264 ${clip.videoKbps}k + AAC ${clip.audioKbps}k`;
}

/** Throws unless ffmpeg runs and the server is built (runs that publish to the real server). */
export function requireFfmpegAndServer(): void {
  const missing: string[] = [];
  if (!commandWorks('ffmpeg', ['-version'])) missing.push('ffmpeg');
  if (!existsSync(SERVER_ENTRY)) missing.push(`${SERVER_ENTRY} (npm run build)`);
  if (missing.length > 0) throw new Error(`missing: ${missing.join(', ')}`);
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

/** busy and total jiffies of the whole machine, from the first line of /proc/stat. */
export function machineJiffies(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const numbers = values.map(Number);
  const total = numbers.reduce((a, b) => a + b, 0);
  const idle = numbers[3]! + (numbers[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
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

// ---- processes -----------------------------------------------------------------------------

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
