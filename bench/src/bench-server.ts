// The built RapidRTMP server as a child process on free ports (ServerProcess), stopped by the run's Cleanup.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ServerProcess, waitFor } from '@rapidrtmp/test-support';
import type { Cleanup } from './bench-lifecycle.js';

export type BenchServer = ServerProcess;

export interface ServerOptions {
  /** Extra environment (STORAGE, GCS_*, ...). */
  env?: Record<string, string>;
  /** Node flags before the entry point (e.g. --trace-gc). */
  nodeArgs?: string[];
  /** Copy the server's output to this file. */
  logFile?: string;
}

/** Starts the server on `databaseUrl` and waits for /readyz; `cleanup` stops it and removes its data dir. */
export async function startServer(
  cleanup: Cleanup,
  databaseUrl: string,
  options: ServerOptions = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-server-'));
  cleanup.add('server data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const server = ServerProcess.spawn(
    {
      env: { DATABASE_URL: databaseUrl, ...options.env },
      dataDir,
      nodeArgs: options.nodeArgs,
      logFile: options.logFile,
      maxLines: 50, // the last lines, for a start-up failure message
    },
    await freePort(),
    await freePort(),
  );
  cleanup.add('RapidRTMP server', async () => void (await server.stop()));
  await server.waitForReady(30_000);
  return server;
}

/** Every stream answers its multivariant playlist (its first segment exists). */
export async function waitLive(baseUrl: string, playbackIds: string[]): Promise<void> {
  await Promise.all(
    playbackIds.map((id) =>
      waitFor(
        `stream ${id} live`,
        () =>
          fetch(`${baseUrl}/live/${id}/index.m3u8`, { signal: AbortSignal.timeout(9000) }).then(
            (r) => r.status === 200,
            () => false,
          ),
        25_000,
        200,
      ),
    ),
  );
}
