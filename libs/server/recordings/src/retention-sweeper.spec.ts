import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import {
  AuditEventEntity,
  AuditLog,
  dataSourceOptions,
  RecordingEntity,
  RecordingSegmentEntity,
} from '@rapidrtmp/server-persistence';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { LocalObjectStore } from '@rapidrtmp/server-storage';
import { DataSource } from 'typeorm';
import { RecordingsRepository } from './recordings.repository.js';
import { RetentionSweeper } from './retention-sweeper.js';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

describe('RetentionSweeper', () => {
  let database: TestDatabase;
  let db: DataSource;
  let dir: string;
  let store: LocalObjectStore;
  let ownerId: string;
  let keyWithOverride: string;

  before(async () => {
    database = await createTestDatabase('rr_retention');
    db = await new DataSource(dataSourceOptions({ databaseUrl: database.url })).initialize();
    await db.runMigrations();
    dir = mkdtempSync(join(tmpdir(), 'rr-retention-'));
    store = new LocalObjectStore(join(dir, 'media'));
    [{ id: ownerId }] = await db.query(
      `INSERT INTO users (email, password_hash, role) VALUES ('o@example.com', 'x', 'publisher') RETURNING id`,
    );
    [{ id: keyWithOverride }] = await db.query(
      `INSERT INTO stream_keys (owner_id, label, key_hash, key_prefix, playback_id, recording_retention_days)
       VALUES ($1, 'short', 'h1', 'p1', 'pb1', 1) RETURNING id`,
      [ownerId],
    );
  });

  after(async () => {
    await db?.destroy();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sweeper = (retentionDays?: string) =>
    new RetentionSweeper(
      db,
      new RecordingsRepository(db.getRepository(RecordingEntity), db.getRepository(RecordingSegmentEntity)),
      new AuditLog(db.getRepository(AuditEventEntity)),
      loadConfig(retentionDays ? { RECORDING_RETENTION_DAYS: retentionDays } : {}),
      store,
      quiet,
    );

  async function recording(endedDaysAgo: number, streamKeyId: string | null): Promise<string> {
    const [{ id }] = await db.query(
      `INSERT INTO stream_sessions (stream_key_id, owner_id, node_id, started_at, ended_at, end_reason)
       VALUES ($1, $2, 'n', now() - make_interval(days => $3), now() - make_interval(days => $3), 'publisher_disconnect') RETURNING id`,
      [streamKeyId, ownerId, endedDaysAgo],
    );
    await db.query(
      `INSERT INTO recordings (id, stream_key_id, owner_id, playback_id, started_at, ended_at, storage_backend, status)
       VALUES ($1, $2, $3, 'pb', now() - make_interval(days => $4), now() - make_interval(days => $4), 'local', 'complete')`,
      [id, streamKeyId, ownerId, endedDaysAgo],
    );
    await store.put(`recordings/${id}/init-0.mp4`, Buffer.from('init'));
    await store.put(`recordings/${id}/seg-0.m4s`, Buffer.from('segment'));
    return id;
  }

  const statusOf = async (id: string) =>
    (await db.query(`SELECT status FROM recordings WHERE id = $1`, [id]))[0].status as string;

  it('keeps everything when no retention is set, except keys with their own', async () => {
    const old = await recording(400, null);
    const overridden = await recording(3, keyWithOverride);
    assert.equal(await sweeper().sweep(), 1);
    assert.equal(await statusOf(old), 'complete');
    assert.equal(await statusOf(overridden), 'deleted');
    assert.deepEqual((await store.list(`recordings/${overridden}/`)).items, []);
    assert.equal((await store.list(`recordings/${old}/`)).items.length, 2);
  });

  it('deletes what is past RECORDING_RETENTION_DAYS, once, even with several nodes sweeping at the same time', async () => {
    const expired = await Promise.all([recording(40, null), recording(35, null), recording(31, null)]);
    const fresh = await recording(5, null);
    const results = await Promise.all([sweeper('30').sweep(), sweeper('30').sweep(), sweeper('30').sweep()]);
    // The 400-day-old one from the first test expires too.
    assert.equal(
      results.reduce((a, b) => a + b, 0),
      4,
    );
    for (const id of expired) assert.equal(await statusOf(id), 'deleted');
    assert.equal(await statusOf(fresh), 'complete');
    const audits = await db.query(`SELECT target_id FROM audit_events WHERE action = 'recording.expired'`);
    assert.equal(
      audits.length,
      new Set(audits.map((a: { target_id: string }) => a.target_id)).size,
      'each recording expired once',
    );
  });
});
