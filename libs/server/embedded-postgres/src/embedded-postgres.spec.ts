import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { EmbeddedPostgres, embeddedClusterDir } from './embedded-postgres.js';
import { isPostgresProcess, processExists, readPostmasterPid } from './postmaster-pid.js';

const INDEX = new URL('./index.js', import.meta.url).href;

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every process whose command line names `dir` (the postmaster and the supervising shell do). */
function processesUsing(dir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * A stand-in for the server: a Node process that starts the embedded PostgreSQL, writes a row, prints the
 * postmaster pid and waits to be killed.
 */
function startOwnerProcess(dataDir: string): Promise<{ child: ReturnType<typeof spawn>; postmaster: number }> {
  const script = `
    import { EmbeddedPostgres } from ${JSON.stringify(INDEX)};
    import pg from 'pg';
    const db = await EmbeddedPostgres.start({ dataDir: ${JSON.stringify(dataDir)} });
    const client = new pg.Client(db.connection);
    await client.connect();
    await client.query('CREATE TABLE IF NOT EXISTS kept (note text)');
    await client.query("INSERT INTO kept VALUES ('written before the kill')");
    process.stdout.write('postmaster ' + db.pid + '\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /postmaster (\d+)/.exec(output);
      if (match) resolve({ child, postmaster: Number(match[1]) });
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`owner exited (${code}) before starting PostgreSQL:\n${output}`)));
  });
}

describe('embedded PostgreSQL', { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rr-embedded-pg-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('creates a cluster under DATA_DIR/postgres, serves only a private Unix socket, and stops completely', async () => {
    const dataDir = tempDir();
    const db = await EmbeddedPostgres.start({ dataDir });
    assert.equal(db.created, true);
    assert.equal(db.clusterDir, embeddedClusterDir(dataDir));
    assert.equal(statSync(db.clusterDir).mode & 0o777, 0o700, 'the cluster and its socket are private');
    assert.ok(existsSync(join(db.connection.host, `.s.PGSQL.${db.connection.port}`)), 'a Unix socket');

    const client = new pg.Client(db.connection);
    await client.connect();
    const settings = await client.query(
      `SELECT name, setting FROM pg_settings WHERE name IN ('listen_addresses', 'shared_buffers', 'server_version_num')`,
    );
    await client.end();
    const setting = Object.fromEntries(settings.rows.map((row) => [row.name, row.setting]));
    assert.equal(setting.listen_addresses, '', 'no TCP listener');
    assert.ok(Number(setting.server_version_num) >= 180000, 'a real PostgreSQL 18');

    const postmaster = db.pid!;
    assert.ok(isPostgresProcess(postmaster));
    await db.stop();
    assert.equal(processExists(postmaster), false);
    assert.deepEqual(processesUsing(db.clusterDir), [], 'no process left behind');

    const again = await EmbeddedPostgres.start({ dataDir });
    assert.equal(again.created, false, 'the second start reuses the cluster');
    await again.stop();
  });

  it('stops with its server when the server is killed with SIGKILL, and the next start finds the data intact', async () => {
    const dataDir = tempDir();
    const owner = await startOwnerProcess(dataDir);
    assert.ok(isPostgresProcess(owner.postmaster));

    owner.child.kill('SIGKILL');
    await until(() => !processExists(owner.postmaster), 15_000, 'PostgreSQL to stop after its server was killed');
    const clusterDir = embeddedClusterDir(dataDir);
    assert.deepEqual(processesUsing(clusterDir), [], 'no orphan holds the data directory');

    const db = await EmbeddedPostgres.start({ dataDir });
    const client = new pg.Client(db.connection);
    await client.connect();
    const { rows } = await client.query('SELECT note FROM kept');
    await client.end();
    await db.stop();
    assert.deepEqual(rows, [{ note: 'written before the kill' }]);
  });

  it('refuses a DATA_DIR whose PostgreSQL belongs to another running server', async () => {
    const dataDir = tempDir();
    const first = await EmbeddedPostgres.start({ dataDir });
    try {
      await assert.rejects(
        EmbeddedPostgres.start({ dataDir, previousInstanceWaitMs: 500 }),
        /is in use by a running PostgreSQL \(pid \d+\): is another RapidRTMP server using this DATA_DIR\?/,
      );
      assert.ok(isPostgresProcess(first.pid!), 'the first one keeps running');
    } finally {
      await first.stop();
    }
    assert.equal(readPostmasterPid(first.clusterDir), undefined);
  });

  it('reports why PostgreSQL could not start, with its log', async () => {
    const dataDir = tempDir();
    const db = await EmbeddedPostgres.start({ dataDir });
    await db.stop();
    // A cluster PostgreSQL refuses: group/other access to PGDATA.
    chmodSync(db.clusterDir, 0o777);
    await assert.rejects(
      EmbeddedPostgres.start({ dataDir }),
      /the embedded PostgreSQL did not start:[\s\S]*permissions/,
    );
  });
});
