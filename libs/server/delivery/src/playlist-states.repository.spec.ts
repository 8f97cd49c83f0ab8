import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PlaylistContinuation } from '@rapidrtmp/hls';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { DatabaseAvailability, dataSourceOptions, DeferredWrites } from '@rapidrtmp/server-persistence';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { DataSource } from 'typeorm';
import { PlaylistStatesRepository } from './playlist-states.repository.js';

const log = createLogger('silent');
const at = (nextMsn: number): PlaylistContinuation => ({ nextMsn, discontinuities: 0, nextInitIndex: 1 });

/** Progress batching of playlist_states on a real PostgreSQL. */
describe('PlaylistStatesRepository (PostgreSQL)', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let db: DataSource;
  let availability: DatabaseAvailability;
  let repository: PlaylistStatesRepository;
  let statements = 0;

  before(async () => {
    database = await createTestDatabase('rr_playlist_states');
    db = await new DataSource(dataSourceOptions({ databaseUrl: database.url })).initialize();
    await db.runMigrations({ transaction: 'all' });
    const query = db.query.bind(db);
    db.query = ((...args: Parameters<typeof query>) => {
      statements++;
      return query(...args);
    }) as typeof db.query;
    const metrics = new MetricsRegistry();
    availability = new DatabaseAvailability(() => query('SELECT 1'), log, metrics);
    repository = new PlaylistStatesRepository(db, new DeferredWrites(availability, log, metrics), availability);
  });

  after(async () => {
    repository?.onModuleDestroy();
    availability?.stop();
    await db?.destroy();
    await database?.drop();
  });

  const row = async (playbackId: string) =>
    (
      await db.query(
        `SELECT state, (continuation->>'nextMsn')::int AS msn FROM playlist_states WHERE playback_id = $1`,
        [playbackId],
      )
    )[0] as { state: string; msn: number } | undefined;

  it('writes the progress of every live playlist in one statement, the latest of each', async () => {
    for (const id of ['pa', 'pb', 'pc']) await repository.claim(id, `i-${id}`, 'node-1', at(0));
    for (let msn = 1; msn <= 3; msn++) {
      for (const id of ['pa', 'pb', 'pc']) repository.progress(id, `i-${id}`, 'node-1', at(msn));
    }
    const before = statements;
    // @ts-expect-error the batch, flushed now rather than on its one-second timer
    await repository.progressWrites.flush();
    assert.equal(statements - before, 1, 'one statement for nine progress updates of three playlists');
    for (const id of ['pa', 'pb', 'pc']) assert.deepEqual(await row(id), { state: 'live', msn: 3 });
  });

  it('never moves a playlist back: late progress after a state change, or of an instance taken over, changes nothing', async () => {
    await repository.claim('pd', 'i-pd', 'node-1', at(0));
    repository.progress('pd', 'i-pd', 'node-1', at(4));
    await repository.update('pd', 'i-pd', 'node-1', 'ended', at(5));
    // @ts-expect-error as above
    await repository.progressWrites.flush();
    assert.deepEqual(await row('pd'), { state: 'ended', msn: 5 }, 'the state change dropped the older progress');

    // A progress row already taken for writing when the stream ended (its write lands after the end).
    // @ts-expect-error as above
    await repository.writeProgress([['pd', { instanceId: 'i-pd', nodeId: 'node-1', continuation: at(5) }]]);
    assert.deepEqual(await row('pd'), { state: 'ended', msn: 5 }, 'not past the stored msn: ignored');

    await repository.claim('pe', 'i-new', 'node-2', at(10)); // another node took the playback id over
    repository.progress('pe', 'i-old', 'node-1', at(20));
    // @ts-expect-error as above
    await repository.progressWrites.flush();
    assert.deepEqual(await row('pe'), { state: 'live', msn: 10 }, 'the other node’s playlist is untouched');
  });
});
