import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVER_ENTRY, SERVER_NODE_FLAGS } from './paths.js';
import { freePort } from './ports.js';

export interface ServerOptions {
  /** Extra environment (DATABASE_URL, STORAGE, GCS_* …); HTTP_PORT, RTMP_PORT, HOST and DATA_DIR are chosen unless given. */
  env?: Record<string, string>;
  dataDir?: string;
  /** How long to wait for /readyz (default 30 s). */
  readyTimeoutMs?: number;
  /** Node flags before the entry point (e.g. --trace-gc), after SERVER_NODE_FLAGS. */
  nodeArgs?: string[];
  /** Also copy the server's output to this file. */
  logFile?: string;
  /** Keep only the last this many output lines (long runs); all by default. */
  maxLines?: number;
}

export interface ExitResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** The real server, built (`apps/server/dist/main.js`) and run as a child process on free ports. */
export class ServerProcess {
  readonly lines: string[] = [];
  readonly startedAt = Date.now();
  private exited?: Promise<ExitResult>;
  private exitResult?: ExitResult;

  private constructor(
    readonly child: ChildProcess,
    readonly httpPort: number,
    readonly rtmpPort: number,
    readonly dataDir: string,
  ) {}

  static async start(options: ServerOptions = {}): Promise<ServerProcess> {
    const server = ServerProcess.spawn(options, await freePort(), await freePort());
    await server.waitForReady(options.readyTimeoutMs ?? 30_000);
    return server;
  }

  /** Spawns without waiting (for start-up failure tests). */
  static spawn(options: ServerOptions, httpPort: number, rtmpPort: number): ServerProcess {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'rr-e2e-'));
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...(options.nodeArgs ?? []), SERVER_ENTRY], {
      cwd: dataDir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        HTTP_PORT: String(httpPort),
        RTMP_PORT: String(rtmpPort),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        // Released media slabs are poisoned, never reused: a view used after its release fails the
        // tests that decode what the server sent (benches turn it off).
        MEDIA_BUFFER_CHECK: 'true',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, httpPort, rtmpPort, dataDir);
    const log = options.logFile ? createWriteStream(options.logFile) : undefined;
    const collect = (chunk: Buffer) => {
      log?.write(chunk);
      server.lines.push(...chunk.toString().split('\n').filter(Boolean));
      if (options.maxLines !== undefined) server.lines.splice(0, Math.max(0, server.lines.length - options.maxLines));
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    server.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        server.exitResult = { code, signal, ms: Date.now() - server.startedAt };
        log?.end();
        resolve(server.exitResult);
      });
    });
    return server;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get output(): string {
    return this.lines.join('\n');
  }

  /** Parsed JSON log lines (non-JSON lines skipped). */
  get logs(): Array<Record<string, unknown>> {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  async waitForReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitResult) throw new Error(`server exited (${this.exitResult.code}) before ready:\n${this.output}`);
      try {
        const response = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(1000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.child.kill('SIGKILL');
    throw new Error(`server not ready within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Resolves when the process exits (by itself or after stop()). */
  waitForExit(): Promise<ExitResult> {
    return this.exited!;
  }

  /** Sends `signal` and measures how long the process takes to exit; SIGKILL after 10 s. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitResult> {
    if (this.exitResult) return this.exitResult;
    const sent = Date.now();
    this.child.kill(signal);
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const result = await this.exited!;
    clearTimeout(killer);
    return { ...result, ms: Date.now() - sent };
  }
}
