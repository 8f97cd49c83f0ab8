import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { hasLegacyPgliteDatabase, importLegacyPglite } from './legacy-pglite-import.js';
import { type EmbeddedTestDatabase, startEmbeddedTestDatabase } from './testing/embedded-test-database.js';
import { openLegacyPglite } from './testing/legacy-pglite.js';

/** Rows of every table with every column type the schema uses: uuid, text[], jsonb, bigint, float8, µs timestamps. */
const SEED = [
  `INSERT INTO users (id, email, display_name, password_hash, role, created_at)
   VALUES ('00000000-0000-4000-8000-000000000001', 'admin@example.com', 'Ädmin "quoted"', '$argon2id$v=19$m=19456,t=2,p=1$abc$def', 'admin', '2026-01-02 03:04:05.123456+00'),
          ('00000000-0000-4000-8000-000000000002', 'pub@example.com', NULL, 'x', 'publisher', now())`,
  `INSERT INTO stream_keys (id, owner_id, label, key_hash, key_prefix, playback_id, signed_playback, recording_retention_days)
   VALUES ('00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000002', 'studio', repeat('a', 64), 'rk_abcd', 'pb123', true, 7)`,
  `INSERT INTO api_tokens (owner_id, label, token_hash, token_prefix, scopes)
   VALUES ('00000000-0000-4000-8000-000000000001', 'ci', repeat('b', 64), 'rt_x', '{streams:read,"keys:write"}')`,
  `INSERT INTO stream_sessions (id, stream_key_id, owner_id, node_id, bytes_in, video_codec, width, height, ended_at, end_reason)
   VALUES ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000002', 'node-a', 9007199254740993, 'avc1.64001f', 1280, 720, now(), 'publisher_disconnected')`,
  `INSERT INTO recordings (id, stream_key_id, owner_id, playback_id, started_at, duration_seconds, bytes, storage_backend, status)
   VALUES ('00000000-0000-4000-8000-0000000000c1', '00000000-0000-4000-8000-0000000000a1', '00000000-0000-4000-8000-000000000002', 'pb123', now(), 12.345678901234567, 123456789012, 'local', 'complete')`,
  `INSERT INTO recording_segments (recording_id, msn, name, init_name, duration, bytes, program_date_time, state)
   SELECT '00000000-0000-4000-8000-0000000000c1', n, 'seg-' || n || '.m4s', 'init-0.mp4', 2.002, 600000 + n, now(), 'stored'
   FROM generate_series(0, 499) n`,
  `INSERT INTO audit_events (actor_id, action, target_type, target_id, details)
   VALUES ('00000000-0000-4000-8000-000000000001', 'stream.stopped', 'stream', 'pb123', '{"reason": "line\\nbreak", "nested": {"list": [1, 2.5, null, true]}}')`,
  `INSERT INTO webhook_endpoints (id, url, secret, events, created_by)
   VALUES ('00000000-0000-4000-8000-0000000000e1', 'https://hooks.example.com/x?a=1&b=2', 'whsec_abc', '{stream.started,stream.ended}', '00000000-0000-4000-8000-000000000001')`,
  `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, status, attempts)
   VALUES ('00000000-0000-4000-8000-0000000000e1', gen_random_uuid(), 'stream.started', '{"type": "stream.started", "data": {}}', 'failed', 3)`,
];

/** Every row of every table, as text, in a stable order. */
async function snapshot(db: DataSource): Promise<Record<string, string[]>> {
  const tables: Array<{ name: string }> = await db.query(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`,
  );
  const result: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows: Array<{ row: string }> = await db.query(`SELECT t::text AS row FROM "${name}" t ORDER BY 1`);
    result[name] = rows.map((r) => r.row);
  }
  return result;
}

describe('importing a PGlite DATA_DIR into the embedded PostgreSQL', { timeout: 120_000 }, () => {
  let embedded: EmbeddedTestDatabase;
  let before_: Record<string, string[]>;

  before(async () => {
    embedded = await startEmbeddedTestDatabase();
    const legacy = await openLegacyPglite(embedded.dataDir);
    for (const statement of SEED) await legacy.query(statement);
    before_ = await snapshot(legacy);
    await legacy.destroy();
  });

  after(async () => {
    await embedded?.drop();
  });

  it('copies every row of every table, moves the PGlite files aside, and leaves a database the migrations accept', async () => {
    assert.equal(hasLegacyPgliteDatabase(embedded.dataDir), true);
    const result = await importLegacyPglite(embedded.dataDir, dataSourceOptions(embedded.target));
    assert.equal(result.rows.recording_segments, 500);
    assert.equal(result.rows.users, 2);
    assert.equal(hasLegacyPgliteDatabase(embedded.dataDir), false);
    assert.ok(existsSync(join(result.keptAt, 'PG_VERSION')), 'the PGlite files are kept, not deleted');

    const db = await new DataSource(dataSourceOptions(embedded.target)).initialize();
    try {
      assert.deepEqual(await db.runMigrations({ transaction: 'all' }), [], 'the schema is current');
      assert.deepEqual(await snapshot(db), before_);
      const [fk] = await db.query(
        `SELECT count(*)::int AS broken FROM stream_keys k LEFT JOIN users u ON u.id = k.owner_id WHERE u.id IS NULL`,
      );
      assert.equal(fk.broken, 0);
    } finally {
      await db.destroy();
    }
  });

  it('refuses to import over a database that already has users, naming what to do', async () => {
    const legacy = await openLegacyPglite(embedded.dataDir);
    await legacy.destroy();
    await assert.rejects(
      importLegacyPglite(embedded.dataDir, dataSourceOptions(embedded.target)),
      /already holds data; move DATA_DIR\/db aside/,
    );
    assert.equal(hasLegacyPgliteDatabase(embedded.dataDir), true, 'the PGlite files stay where they were');
  });
});
