import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { principalOf } from '@rapidrtmp/server-access/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { EndReason } from '@rapidrtmp/server-domain';
import { recordingAuditLog } from '@rapidrtmp/server-persistence/testing';
import type { LivePlayback, StreamKeyAuthorizer, StreamKeysService } from '@rapidrtmp/server-stream-keys';
import type { SessionDto } from './dto/sessions.dto.js';
import { LiveStreamRegistry } from './live-stream-registry.js';
import type { SessionsService } from './sessions.service.js';
import { StreamControl } from './stream-control.service.js';
import { StreamsService } from './streams.service.js';
import { makeLiveStream } from './testing/live-stream.js';

const PUBLISHER = principalOf('publisher', 'pub');
const MODERATOR = principalOf('moderator', 'mod');

/** The service over a real registry, with delivery, key bans and history faked. */
function setup() {
  const registry = new LiveStreamRegistry();
  const add = (ownerId: string, secondsAgo: number) => {
    const stops: Array<[EndReason, string | null]> = [];
    const stream = makeLiveStream(
      { ownerId, startedAt: new Date(Date.now() - secondsAgo * 1000) },
      { close: (reason, by) => void stops.push([reason, by]) },
    );
    registry.add(stream);
    return { stream, stops };
  };
  const playback = {
    url: (playbackId: string) => `https://s.test/live/${playbackId}/index.m3u8`,
    sign: () => ({ token: 't', expiresAt: new Date(0) }),
    viewers: (playbackId: string) => playbackId.length,
  } satisfies LivePlayback;
  const bans: Array<[string, Date, string | null]> = [];
  const keys = {
    banWhileStopping: async (streamKeyId: string, until: Date, reason: string | null) =>
      void bans.push([streamKeyId, until, reason]),
  } satisfies Partial<StreamKeysService>;
  let ended: SessionDto | undefined;
  const sessions = {
    waitForEnd: async () => ended,
  } satisfies Partial<SessionsService>;
  const audit = recordingAuditLog();
  const service = new StreamsService(
    registry,
    playback,
    keys as unknown as StreamKeysService,
    sessions as unknown as SessionsService,
    audit,
    new StreamControl(registry, { invalidate: () => undefined } as unknown as StreamKeyAuthorizer),
    loadConfig({ NODE_ID: 'node-a' }),
  );
  return { service, add, bans, audit, endWith: (session: SessionDto | undefined) => (ended = session) };
}

describe('StreamsService', () => {
  it('lists a publisher’s own live streams and every stream to a moderator, oldest first, with stats', async () => {
    const { service, add } = setup();
    const theirs = add('other', 30);
    const own = add('pub', 10);
    const older = add('pub', 60);
    assert.deepEqual(
      (await service.live(PUBLISHER)).map((s) => s.id),
      [older.stream.info.id, own.stream.info.id],
    );
    const all = await service.live(MODERATOR);
    assert.deepEqual(
      all.map((s) => s.id),
      [older.stream.info.id, theirs.stream.info.id, own.stream.info.id],
    );
    const [first] = all;
    assert.equal(first!.playbackUrl, `https://s.test/live/${older.stream.info.playbackId}/index.m3u8`);
    assert.equal(first!.viewers, older.stream.info.playbackId.length);
    assert.equal(first!.nodeId, 'node-a');
    assert.ok(first!.durationSeconds >= 60 && first!.durationSeconds < 62);
  });

  it('shows one stream with its per-second timeline to those who see it, "not found" to others', async () => {
    const { service, add } = setup();
    const { stream } = add('other', 5);
    stream.stats.addBytes(1000);
    const detail = await service.get(MODERATOR, stream.info.id);
    assert.equal(detail.timeline.at(-1)!.bits, 8000);
    await assert.rejects(service.get(PUBLISHER, stream.info.id), { status: 404, message: 'No such live stream.' });
    await assert.rejects(service.get(MODERATOR, 'missing'), { status: 404 });
  });

  it('stops a stream as the moderator, bans its key when asked, audits, and answers with the ended session', async () => {
    const { service, add, bans, audit, endWith } = setup();
    const { stream, stops } = add('pub', 5);
    const session = { id: stream.info.id, live: false } as SessionDto;
    endWith(session);
    const before = Date.now();
    assert.equal(await service.stop(MODERATOR, stream.info.id, { banSeconds: 3600, reason: 'spam' }), session);
    assert.deepEqual(stops, [['stopped_by_moderator', 'mod']]);
    assert.equal(bans.length, 1);
    const [keyId, until, reason] = bans[0]!;
    assert.equal(keyId, stream.info.streamKeyId);
    assert.ok(until.getTime() >= before + 3600_000 && until.getTime() <= Date.now() + 3600_000);
    assert.equal(reason, 'spam');
    assert.deepEqual(audit.entries, [
      {
        actorId: 'mod',
        action: 'stream.stopped',
        targetType: 'stream_session',
        targetId: stream.info.id,
        details: { streamKeyId: stream.info.streamKeyId, reason: 'spam', banSeconds: 3600 },
      },
    ]);
  });

  it('stops without a ban unless asked; a stream it cannot see or whose session vanished is not found', async () => {
    const { service, add, bans, endWith } = setup();
    const { stream, stops } = add('other', 5);
    await assert.rejects(service.stop(PUBLISHER, stream.info.id, {}), { status: 404 });
    assert.deepEqual(stops, []);
    endWith(undefined);
    await assert.rejects(service.stop(MODERATOR, stream.info.id, {}), { status: 404, message: 'No such stream.' });
    assert.deepEqual(stops, [['stopped_by_moderator', 'mod']]);
    assert.deepEqual(bans, []);
  });
});
