import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { encodeCursor } from '@rapidrtmp/server-persistence';
import { SessionsService } from './sessions.service.js';
import type { SessionQuery, SessionRecord, StreamSessionsRepository } from './stream-sessions.repository.js';

const PUBLISHER = principalOf('publisher', 'pub');
const ADMIN = principalOf('admin', 'adm');

function record(id: number, ownerId: string, ended = true): SessionRecord {
  const startedAt = new Date(Date.UTC(2026, 0, 1, 0, id));
  return {
    id: `00000000-0000-4000-8000-00000000000${id}`,
    streamKeyId: 'key',
    keyLabel: 'studio',
    playbackId: 'pb',
    ownerId,
    ownerName: `Name of ${ownerId}`,
    nodeId: 'node-0',
    startedAt,
    endedAt: ended ? new Date(startedAt.getTime() + 90_000) : null,
    endReason: ended ? 'publisher_disconnect' : null,
    stoppedBy: null,
    stopperName: null,
    bytesIn: 1000,
    videoCodec: 'avc1.64001f',
    audioCodec: null,
    width: 1280,
    height: 720,
    avgBitrate: null,
  };
}

/** History over records in memory: newest first, as the repository pages them. */
function setup(records: SessionRecord[]) {
  const queries: SessionQuery[] = [];
  const repository = {
    async history(query) {
      queries.push(query);
      return records
        .filter((r) => !query.ownerId || r.ownerId === query.ownerId)
        .filter((r) => !query.before || r.startedAt < query.before.at)
        .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
        .slice(0, query.limit);
    },
    async findRecord(id) {
      return records.find((r) => r.id === id);
    },
  } satisfies Partial<StreamSessionsRepository>;
  return { service: new SessionsService(repository as unknown as StreamSessionsRepository), queries };
}

describe('SessionsService', () => {
  it('restricts a publisher to their own sessions whatever they ask; admins filter by owner', async () => {
    const { service, queries } = setup([record(1, 'pub'), record(2, 'other')]);
    const own = await service.page(PUBLISHER, { userId: 'other' });
    assert.deepEqual(
      own.items.map((s) => s.owner),
      [{ id: 'pub', name: 'Name of pub' }],
    );
    assert.equal((await service.page(ADMIN, {})).items.length, 2);
    await service.page(ADMIN, { userId: 'other', from: '2026-01-01T00:00:00Z', endReason: 'timeout' });
    assert.deepEqual(
      queries.map((q) => q.ownerId),
      ['pub', undefined, 'other'],
    );
    assert.deepEqual(queries[2]!.from, new Date('2026-01-01T00:00:00Z'));
    assert.equal(queries[2]!.endReason, 'timeout');
  });

  it('pages newest first with a cursor (one row more is asked to know whether a page follows)', async () => {
    const { service, queries } = setup([1, 2, 3].map((i) => record(i, 'pub')));
    const first = await service.page(ADMIN, { limit: 2 });
    assert.deepEqual(
      first.items.map((s) => s.id.slice(-1)),
      ['3', '2'],
    );
    assert.equal(queries[0]!.limit, 3);
    assert.equal(first.nextCursor, encodeCursor(first.items[1]!.startedAt, first.items[1]!.id));
    const second = await service.page(ADMIN, { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      second.items.map((s) => s.id.slice(-1)),
      ['1'],
    );
    assert.equal(second.nextCursor, null);
    await assert.rejects(service.page(ADMIN, { cursor: 'garbage' }), { status: 400, message: 'Invalid cursor.' });
  });

  it('answers one session with its duration and whether it is live; someone else’s is not found', async () => {
    const { service } = setup([record(1, 'pub'), record(2, 'other', false)]);
    const ended = await service.get(PUBLISHER, record(1, 'pub').id);
    assert.equal(ended.durationSeconds, 90);
    assert.equal(ended.live, false);
    const live = await service.get(ADMIN, record(2, 'other').id);
    assert.equal(live.live, true);
    await assert.rejects(service.get(PUBLISHER, record(2, 'other').id), { status: 404, message: 'No such session.' });
  });

  it('waits for a stopped session’s end to be recorded, but not longer than asked', async () => {
    const live = record(1, 'pub', false);
    const { service } = setup([live]);
    setTimeout(() => {
      live.endedAt = new Date();
      live.endReason = 'stopped_by_moderator';
    }, 120);
    assert.equal((await service.waitForEnd(live.id, 2000))!.endReason, 'stopped_by_moderator');
    const still = record(2, 'pub', false);
    const started = Date.now();
    assert.equal((await setup([still]).service.waitForEnd(still.id, 100))!.live, true);
    assert.ok(Date.now() - started < 1000);
    assert.equal(await service.waitForEnd('missing', 100), undefined);
  });
});
