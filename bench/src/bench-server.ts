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
  /** Run as a node of a cluster (NODE_ID, NODE_URL on its own HTTP port, CLUSTER_SECRET, ...). */
  cluster?: ClusterNode;
}

/** A node of a cluster: several servers on one DATABASE_URL (see e2e/src/cluster.e2e.spec.ts). */
export interface ClusterNode {
  nodeId: string;
  /** CLUSTER_SECRET, 32 characters or more, the same on every node. */
  secret: string;
  /** CLUSTER_LEASE_SECONDS (default: the server's). */
  leaseSeconds?: number;
  /** STORAGE_LOCAL_DIR shared by the nodes (default: each node's DATA_DIR/media). */
  mediaDir?: string;
}

function clusterEnv(node: ClusterNode, httpPort: number): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ID: node.nodeId,
    NODE_URL: `http://127.0.0.1:${httpPort}`,
    CLUSTER_SECRET: node.secret,
    // Required with NODE_URL: every node reads the secrets any node sealed.
    SECRETS_ENCRYPTION_KEY: Buffer.from(node.secret.padEnd(32, '.')).subarray(0, 32).toString('base64'),
  };
  if (node.leaseSeconds !== undefined) env.CLUSTER_LEASE_SECONDS = String(node.leaseSeconds);
  if (node.mediaDir !== undefined) env.STORAGE_LOCAL_DIR = node.mediaDir;
  return env;
}

/** Starts the server on `databaseUrl` and waits for /readyz; `cleanup` stops it and removes its data dir. */
export async function startServer(
  cleanup: Cleanup,
  databaseUrl: string,
  options: ServerOptions = {},
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-bench-server-'));
  cleanup.add('server data dir', () => rmSync(dataDir, { recursive: true, force: true }));
  const httpPort = await freePort();
  const cluster = options.cluster ? clusterEnv(options.cluster, httpPort) : {};
  const server = ServerProcess.spawn(
    {
      // Production buffers: the test harness's checked mode never reuses a media slab.
      env: { DATABASE_URL: databaseUrl, MEDIA_BUFFER_CHECK: 'false', ...cluster, ...options.env },
      dataDir,
      nodeArgs: options.nodeArgs,
      logFile: options.logFile,
      maxLines: 50, // the last lines, for a start-up failure message
    },
    httpPort,
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
