// The built RapidRTMP server as a child process on free ports, ready once /readyz answers 200.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cleanup, stopChild } from './bench-lifecycle.js';
import { freePort, REPO_ROOT, waitFor } from './bench-support.js';

export const SERVER_ENTRY = join(REPO_ROOT, 'apps/server/dist/main.js');

export interface BenchServer {
  child: ChildProcess;
  baseUrl: string;
  rtmpPort: number;
  dataDir: string;
  startedAt: number;
}

export interface ServerOptions {
  /** Extra environment (STORAGE, GCS_*, ...). */
  env?: Record<string, string>;
  /** Node flags before the entry point (e.g. --trace-gc). */
  nodeArgs?: string[];
  /** Copy the server's output to this file. */
  logFile?: string;
}

export async function startServer(
  cleanup: Cleanup,
  databaseUrl: string,
  options: ServerOptions = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-server-'));
  cleanup.add('server data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const [httpPort, rtmpPort] = [await freePort(), await freePort()];
  const lines: string[] = [];
  const startedAt = Date.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_ENTRY], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      HTTP_PORT: String(httpPort),
      RTMP_PORT: String(rtmpPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = options.logFile ? createWriteStream(options.logFile) : undefined;
  if (log) cleanup.add('server log', () => new Promise<void>((resolve) => log.end(resolve)));
  const collect = (chunk: Buffer) => {
    log?.write(chunk);
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 50)); // the last lines, for a start-up failure message
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  cleanup.add('RapidRTMP server', () => stopChild(child));
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  await waitFor(
    'RapidRTMP /readyz',
    async () => {
      if (child.exitCode !== null)
        throw new Error(`server exited (${child.exitCode}):\n${lines.slice(-20).join('\n')}`);
      const status = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.status,
        () => 0,
      );
      return status === 200 ? true : undefined;
    },
    30_000,
  );
  return { child, baseUrl, rtmpPort, dataDir, startedAt };
}
