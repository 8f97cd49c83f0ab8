import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What `postmaster.pid` says about the PostgreSQL that last ran on a cluster directory. */
export interface PostmasterPid {
  pid: number;
  /** Line 8: `starting`, `ready`, `stopping` or `standby` (PostgreSQL pads it with spaces). */
  status: string;
}

/** `undefined` when no PostgreSQL holds (or crashed holding) the directory. */
export function readPostmasterPid(clusterDir: string): PostmasterPid | undefined {
  let text: string;
  try {
    text = readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, status: (lines[7] ?? '').trim() };
}

/** True when a process with this pid exists (EPERM means it exists under another user). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` is a PostgreSQL server process (so a recycled pid is not mistaken for one). */
export function isPostgresProcess(pid: number): boolean {
  if (!processExists(pid)) return false;
  try {
    const [program = ''] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return program.endsWith('postgres');
  } catch {
    // No /proc (macOS): trust the pid.
    return true;
  }
}
