import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { hash } from '@node-rs/argon2';
import { createTestDatabase, openLegacyPglite, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import pg from 'pg';
import { ApiClient } from './support/api-client.js';
import { freePort, ServerProcess, waitFor } from '@rapidrtmp/test-support';

async function get(server: ServerProcess, path: string): Promise<Response> {
  return fetch(server.baseUrl + path, { signal: AbortSignal.timeout(5000) });
}

/** Processes whose command line names `dir`: the embedded PostgreSQL and its supervising shell do. */
function processesUsing(dir: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes(dir) ? [`${pid}: ${cmdline.replaceAll('\0', ' ').slice(0, 120)}`] : [];
      } catch {
        return [];
      }
    });
}

function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

async function assertServing(server: ServerProcess): Promise<void> {
  assert.equal((await get(server, '/healthz')).status, 200);

  const ready = await get(server, '/readyz');
  assert.equal(ready.status, 200);
  const readiness = (await ready.json()) as { status: string; details: Record<string, { status: string }> };
  assert.equal(readiness.status, 'ok');
  assert.equal(readiness.details.database?.status, 'up');
  assert.equal(readiness.details.storage?.status, 'up');
  assert.equal(readiness.details['data-dir']?.status, 'up');
  assert.equal(readiness.details.rtmp?.status, 'up');

  const metrics = await get(server, '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const exposition = await metrics.text();
  assert.match(exposition, /^# HELP process_cpu_user_seconds_total /m);
  assert.match(exposition, /^# TYPE rapidrtmp_http_requests_total counter$/m);
  assert.match(exposition, /^rapidrtmp_http_requests_total\{method="GET",route="\/readyz",status="200"\} \d+$/m);

  const openapi = await get(server, '/api/openapi.json');
  assert.equal(openapi.status, 200);
  const document = (await openapi.json()) as {
    openapi: string;
    info: { title: string };
    paths: Record<string, unknown>;
  };
  assert.match(document.openapi, /^3\.\d+\.\d+$/);
  assert.equal(document.info.title, 'RapidRTMP API');
  assert.ok(document.paths['/api/v1/version'], 'the version route is documented');
  assert.equal(document.paths['/metrics'], undefined, 'operational endpoints stay out of the API document');

  const docs = await get(server, '/api/docs');
  assert.equal(docs.status, 200);
  assert.match(await docs.text(), /swagger-ui/i);

  const version = (await (await get(server, '/api/v1/version')).json()) as { name: string; version: string };
  assert.equal(version.name, 'rapidrtmp');
  assert.match(version.version, /^\d+\.\d+\.\d+/);
}

describe('server lifecycle', { timeout: 300_000 }, () => {
  const databases: TestDatabase[] = [];
  after(async () => {
    for (const db of databases) await db.drop();
  });

  it('starts with embedded defaults, serves probes, metrics and OpenAPI, exits 0 on SIGTERM, and reuses its data on restart', async () => {
    const started = Date.now();
    const first = await ServerProcess.start();
    assert.ok(Date.now() - started < 10_000, `ready after ${Date.now() - started} ms`);
    await assertServing(first);
    const generated = first.logs.filter((l) =>
      /First run: created admin .* with generated password/.test(String(l.msg)),
    );
    assert.equal(generated.length, 1, 'the generated admin password is printed exactly once');
    assert.match(String(generated[0]!.msg), /log in at http:\/\/localhost:\d+\//);

    const firstExit = await first.stop('SIGTERM');
    assert.equal(firstExit.code, 0, first.output);
    assert.ok(firstExit.ms < 5000, `SIGTERM took ${firstExit.ms} ms`);

    const second = await ServerProcess.start({ dataDir: first.dataDir });
    await assertServing(second);
    assert.equal(
      second.logs.filter((l) => /First run/.test(String(l.msg))).length,
      0,
      'the admin is not created twice',
    );
    assert.equal((await second.stop('SIGINT')).code, 0);
  });

  it('runs on a real PostgreSQL from DATABASE_URL, bootstraps the configured admin once, and turns /readyz degraded (200, naming the database) when it goes away', async () => {
    const db = await createTestDatabase('rr_lifecycle');
    databases.push(db);
    const env = { DATABASE_URL: db.url, ADMIN_EMAIL: 'Owner@Example.com', ADMIN_PASSWORD: 'a long enough password' };
    const first = await ServerProcess.start({ env });
    await assertServing(first);
    assert.ok(first.logs.some((l) => /created admin owner@example\.com from ADMIN_EMAIL/.test(String(l.msg))));
    assert.ok(!first.output.includes('a long enough password'), 'the configured password is never logged');
    assert.equal((await first.stop()).code, 0);

    const second = await ServerProcess.start({ env });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const admins = await client.query(`SELECT email, password_hash FROM users WHERE role = 'admin'`);
    await client.end();
    assert.equal(admins.rows.length, 1);
    assert.equal(admins.rows[0].email, 'owner@example.com');
    assert.match(admins.rows[0].password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    await db.drop();
    // Degraded, not unready: the database is shared by every node (see HealthController.readiness). The
    // answer is cached for 2 s, so the drop shows on a later check.
    const notReady = await waitFor(
      '/readyz to name the database',
      async () => {
        const response = await get(second, '/readyz');
        return (await response.clone().text()).includes('"database":{"status":"down"}') ? response : undefined;
      },
      10_000,
      250,
    );
    assert.equal(notReady.status, 200);
    const body = (await notReady.json()) as {
      status: string;
      error: Record<string, { status: string; message?: string }>;
      info: Record<string, unknown>;
    };
    assert.equal(body.status, 'degraded');
    assert.equal(body.error.database?.status, 'down');
    assert.equal(body.error.database?.message, undefined, 'why goes to the log, not to the public answer');
    assert.ok(body.info.storage, 'the healthy checks are still listed');
    assert.equal((await get(second, '/healthz')).status, 200, 'liveness does not depend on the database');
    const exit = await second.stop();
    assert.equal(exit.code, 0, second.output);
    assert.ok(exit.ms < 5000);
  });

  it('refuses to start on bad configuration, naming the variable', async () => {
    const server = ServerProcess.spawn(
      { env: { HTTP_PORT: 'eighty', LOG_LEVEL: 'chatty' } },
      await freePort(),
      await freePort(),
    );
    const exit = await server.waitForExit();
    assert.equal(exit.code, 2);
    assert.match(server.output, /HTTP_PORT: expected an integer port 1-65535 \(got "eighty"\)/);
    assert.match(server.output, /LOG_LEVEL: expected one of/);
  });

  it('stops the start with a clear error when DATABASE_URL is unreachable', async () => {
    const server = ServerProcess.spawn(
      { env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' } },
      await freePort(),
      await freePort(),
    );
    const exit = await server.waitForExit();
    assert.notEqual(exit.code, 0);
    assert.ok(exit.ms < 20_000, `gave up after ${exit.ms} ms`);
    assert.match(server.output, /ECONNREFUSED|connect/);
  });

  it('keeps its embedded PostgreSQL no longer than itself: after SIGKILL no process is left and the next start has the data', async () => {
    const env = { ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'a long enough password' };
    const first = await ServerProcess.start({ env });
    const { client } = await ApiClient.login(first.baseUrl, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
    const created = await client.post('/api/v1/stream-keys', { label: 'survives a kill' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const postgres = postmasterPid(first.dataDir);

    assert.equal((await first.stop('SIGKILL')).signal, 'SIGKILL');
    await waitFor('the embedded PostgreSQL to stop', () => processesUsing(first.dataDir).length === 0, 15_000);
    assert.throws(() => process.kill(postgres, 0), /ESRCH/, 'the postmaster is gone');

    const second = await ServerProcess.start({ env, dataDir: first.dataDir });
    const again = await ApiClient.login(second.baseUrl, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
    const keys = await again.client.get('/api/v1/stream-keys');
    assert.deepEqual(
      keys.body.map((key: { label: string }) => key.label),
      ['survives a kill'],
    );
    assert.equal((await second.stop('SIGTERM')).code, 0, second.output);
    assert.deepEqual(processesUsing(first.dataDir), [], 'a clean stop leaves nothing running either');
  });

  it('imports a DATA_DIR written by the earlier PGlite default, keeping its users, and says so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rr-e2e-legacy-'));
    const legacy = await openLegacyPglite(dataDir);
    await legacy.query(`INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'admin')`, [
      'old-admin@example.com',
      await hash('the old admin password', { algorithm: 2 }),
    ]);
    await legacy.destroy();

    const server = await ServerProcess.start({ dataDir });
    assert.ok(
      server.logs.some((l) =>
        /imported \d+ rows from PGlite; its files are kept in .*db\.pglite-imported/.test(String(l.msg)),
      ),
      server.output,
    );
    assert.equal(server.logs.filter((l) => /First run/.test(String(l.msg))).length, 0, 'the imported admin is kept');
    await ApiClient.login(server.baseUrl, 'old-admin@example.com', 'the old admin password');
    assert.equal((await server.stop()).code, 0, server.output);
  });
});
