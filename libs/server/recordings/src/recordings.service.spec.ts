import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { RecordingEntity, RecordingSegmentEntity } from '@rapidrtmp/server-persistence';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import type { ObjectStore } from '@rapidrtmp/server-storage';
import { RecordingsService } from './recordings.service.js';
import type { RecordingQuery, RecordingsRepository } from './recordings.repository.js';

const PUBLISHER = principalOf('publisher', 'pub');
const MODERATOR = principalOf('moderator', 'mod');

function recording(id: string, ownerId: string, status: RecordingEntity['status'] = 'complete'): RecordingEntity {
  return {
    id,
    streamKeyId: 'key',
    ownerId,
    playbackId: 'pb',
    startedAt: new Date('2026-01-02T03:04:05.678Z'),
    endedAt: null,
    durationSeconds: 12.34567,
    bytes: '300',
    segmentCount: 3,
    storageBackend: 'local',
    status,
    gaps: 0,
    signedPlayback: false,
  };
}

function segment(msn: number, initName: string, state: RecordingSegmentEntity['state'] = 'stored') {
  return { recordingId: 'r1', msn, name: `seg-${msn}.m4s`, initName, state } as RecordingSegmentEntity;
}

/** Recordings and their segment log in memory, objects in a map, the audit log recorded. */
function setup(rows: RecordingEntity[], segments: RecordingSegmentEntity[] = []) {
  const objects = new Map<string, string>();
  const queries: RecordingQuery[] = [];
  const deleted: string[] = [];
  const repository = {
    async list(query) {
      queries.push(query);
      return rows.filter((r) => !query.ownerId || r.ownerId === query.ownerId).slice(0, query.limit);
    },
    async findById(id) {
      return rows.find((r) => r.id === id) ?? null;
    },
    async segmentsOf() {
      return segments;
    },
    async markDeleted(id) {
      deleted.push(id);
    },
  } satisfies Partial<RecordingsRepository>;
  const store = {
    async head(key) {
      const body = objects.get(key);
      return body === undefined
        ? undefined
        : { size: body.length, etag: '"e"', contentType: 'video/mp4', updated: new Date() };
    },
    async createReadStream(key) {
      return Readable.from([objects.get(key)!]);
    },
    async deleteByPrefix(prefix) {
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix));
      for (const key of keys) objects.delete(key);
      return keys.length;
    },
  } satisfies Partial<ObjectStore>;
  const audit = recordingAuditLog();
  const service = new RecordingsService(
    repository as unknown as RecordingsRepository,
    audit,
    loadConfig({ PUBLIC_URL: 'https://stream.example.com' }),
    store as unknown as ObjectStore,
  );
  return { service, objects, queries, deleted, audit };
}

describe('RecordingsService', () => {
  it('lists a publisher’s own recordings whatever they ask; moderators everyone’s, with URLs', async () => {
    const { service, queries } = setup([recording('r1', 'pub'), recording('r2', 'other')]);
    const own = await service.page(PUBLISHER, { userId: 'other', limit: 10 });
    assert.deepEqual(
      own.items.map((r) => r.id),
      ['r1'],
    );
    const all = await service.page(MODERATOR, {});
    assert.equal(all.items.length, 2);
    assert.deepEqual(
      queries.map((q) => [q.ownerId, q.limit]),
      [
        ['pub', 11],
        [undefined, 51],
      ],
    );
    const [first] = all.items;
    assert.equal(first!.playbackUrl, 'https://stream.example.com/vod/r1/index.m3u8');
    assert.equal(first!.downloadUrl, 'https://stream.example.com/api/v1/recordings/r1/download');
    assert.equal(first!.durationSeconds, 12.346);
    assert.equal(first!.bytes, 300);
  });

  it('hides deleted recordings and other users’ recordings from publishers', async () => {
    const { service } = setup([recording('r1', 'other'), recording('r2', 'pub', 'deleted')]);
    await assert.rejects(service.get(PUBLISHER, 'r1'), { status: 404, message: 'No such recording.' });
    assert.equal((await service.get(MODERATOR, 'r1')).id, 'r1');
    await assert.rejects(service.get(MODERATOR, 'r2'), { status: 404 });
    await assert.rejects(service.remove(PUBLISHER, 'r1'), { status: 404 });
  });

  it('deletes a finished recording’s objects, then its rows, and audits it; a live one stays', async () => {
    const { service, objects, deleted, audit } = setup([recording('r1', 'pub'), recording('r2', 'pub', 'recording')]);
    objects.set('recordings/r1/init-0.mp4', 'i').set('recordings/r1/seg-1.m4s', 's').set('recordings/r10/x', 'x');
    await service.remove(PUBLISHER, 'r1');
    assert.deepEqual([...objects.keys()], ['recordings/r10/x']);
    assert.deepEqual(deleted, ['r1']);
    assert.deepEqual(audit.entries, [
      { actorId: 'pub', action: 'recording.deleted', targetType: 'recording', targetId: 'r1', details: { objects: 2 } },
    ]);
    await assert.rejects(service.remove(MODERATOR, 'r2'), {
      status: 400,
      message: 'The stream is still live; stop it first.',
    });
  });

  it('downloads one init segment and the stored fragments that use it, as one file of the summed size', async () => {
    const segments = [
      segment(1, 'init-0.mp4'),
      segment(2, 'init-0.mp4', 'failed'),
      segment(3, 'init-0.mp4'),
      segment(4, 'init-1.mp4'),
    ];
    const { service, objects } = setup([recording('r1', 'pub')], segments);
    for (const [name, body] of [
      ['init-0.mp4', 'I0'],
      ['seg-1.m4s', 'S1'],
      ['seg-3.m4s', 'S3'],
      ['init-1.mp4', 'I1'],
      ['seg-4.m4s', 'S4'],
    ])
      objects.set(`recordings/r1/${name}`, body!);
    const file = await service.download(PUBLISHER, 'r1');
    assert.equal(await text(file.body), 'I0S1S3', 'fragments after a codec change would need their own moov');
    assert.equal(file.size, 6);
    assert.equal(file.filename, 'recording-2026-01-02T03-04-05-678Z.mp4');
  });

  it('refuses a download with nothing stored, or with a part missing from storage', async () => {
    const empty = setup([recording('r1', 'pub')], [segment(1, 'init-0.mp4', 'failed')]);
    await assert.rejects(empty.service.download(PUBLISHER, 'r1'), {
      status: 404,
      message: 'This recording has no stored segments.',
    });
    const partial = setup([recording('r1', 'pub')], [segment(1, 'init-0.mp4')]);
    partial.objects.set('recordings/r1/init-0.mp4', 'I0');
    await assert.rejects(partial.service.download(PUBLISHER, 'r1'), {
      status: 404,
      message: 'Part of the recording is missing from storage.',
    });
  });
});
