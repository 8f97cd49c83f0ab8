import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { ApiClient } from './support/api-client.js';
import { FfmpegPublisher, queryRows, ServerProcess, testClip, waitFor } from '@rapidrtmp/test-support';

const ADMIN = { email: 'admin@example.com', password: 'admin password 123' };

describe('REST API: live streams, moderation and history with a real publisher', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let admin: ApiClient;
  let moderator: ApiClient;
  let publisher: ApiClient;
  let publisherId: string;
  let clip: string;

  before(async () => {
    db = await createTestDatabase('rr_moderation');
    clip = await testClip({ seconds: 10 });
    server = await ServerProcess.start({
      env: { DATABASE_URL: db.url, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password },
    });
    admin = (await ApiClient.login(server.baseUrl, ADMIN.email, ADMIN.password)).client;
    await admin.post('/api/v1/users', {
      email: 'mod@example.com',
      password: 'moderator password',
      role: 'moderator',
      displayName: 'Maud Moderator',
    });
    publisherId = (
      await admin.post('/api/v1/users', {
        email: 'pub@example.com',
        password: 'publisher password',
        role: 'publisher',
        displayName: 'Pat Publisher',
      })
    ).body.id;
    moderator = (await ApiClient.login(server.baseUrl, 'mod@example.com', 'moderator password')).client;
    publisher = (await ApiClient.login(server.baseUrl, 'pub@example.com', 'publisher password')).client;
  });

  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  const publish = (key: string) =>
    FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key}`, ['-re', '-stream_loop', '-1', '-i', clip]);
  const liveStream = (client: ApiClient, keyId: string, settledSeconds = 0) =>
    waitFor(
      'the stream in the live list',
      async () => {
        const live = await client.get('/api/v1/streams/live');
        return (live.body as Array<Record<string, any>>).find(
          (s) => s.streamKeyId === keyId && s.fps > 0 && s.ingestBitrate > 0 && s.durationSeconds >= settledSeconds,
        );
      },
      15_000 + settledSeconds * 1000,
    );

  it('lists a live stream with stats; a moderator stops it (with a ban): ffmpeg exits, ENDLIST, history and audit record who', async () => {
    const key = (await publisher.post('/api/v1/stream-keys', { label: 'studio' })).body;
    const ffmpeg = publish(key.key);
    // Rates are measured over the last five complete seconds; let them settle.
    const stream = await liveStream(moderator, key.id, 7);
    assert.equal(stream.keyLabel, 'studio');
    assert.equal(stream.ownerName, 'Pat Publisher');
    assert.deepEqual(stream.video, { codec: 'avc1.64001e', width: 640, height: 360, frameRate: 30 });
    assert.equal(stream.audio.codec, 'mp4a.40.2');
    assert.ok(stream.fps > 20 && stream.fps < 40, `fps ${stream.fps}`);
    assert.ok(stream.ingestBitrate > 300_000, `bitrate ${stream.ingestBitrate}`);
    assert.equal(stream.keyframeIntervalMs, 2000);
    assert.equal((await publisher.get('/api/v1/streams/live')).body.length, 1, 'the publisher sees their own stream');
    const detail = await moderator.get(`/api/v1/streams/${stream.id}`);
    assert.ok(detail.body.timeline.length > 0);

    const playlistUrl = `${server.baseUrl}/live/${key.playbackId}/index.m3u8`;
    const media = await waitFor(
      'the playlist',
      async () => {
        const r = await fetch(playlistUrl);
        return r.status === 200 ? (await r.text()).trim().split('\n').pop() : undefined;
      },
      15_000,
    );

    assert.equal(
      (await publisher.post(`/api/v1/streams/${stream.id}/stop`, {})).status,
      403,
      'publishers cannot stop streams',
    );
    const stoppedAt = Date.now();
    const stopped = await moderator.post(`/api/v1/streams/${stream.id}/stop`, { banSeconds: 600, reason: 'test ban' });
    assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
    assert.equal(stopped.body.endReason, 'stopped_by_moderator');
    assert.equal(stopped.body.stoppedBy.name, 'Maud Moderator');
    const exit = await ffmpeg.waitForExit(10_000);
    assert.equal(exit.timedOut, false, 'ffmpeg was disconnected');
    assert.ok(Date.now() - stoppedAt < 3000, `ffmpeg gone after ${Date.now() - stoppedAt} ms`);
    const playlist = await (await fetch(`${server.baseUrl}/live/${key.playbackId}/${media}`)).text();
    assert.match(playlist, /#EXT-X-ENDLIST/);

    const history = await admin.get(`/api/v1/sessions?endReason=stopped_by_moderator&streamKeyId=${key.id}`);
    assert.equal(history.body.items.length, 1);
    assert.equal(history.body.items[0].stoppedBy.name, 'Maud Moderator');
    const audit = await queryRows(
      db.url,
      `SELECT action, details FROM audit_events WHERE action = 'stream.stopped' AND target_id = $1`,
      [stream.id],
    );
    assert.equal(audit.length, 1);

    // The ban holds: the next publish is refused, and the log says why.
    const again = FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`, ['-re', '-i', clip]);
    const refused = await again.waitForExit(15_000);
    assert.notEqual(refused.code, 0);
    await waitFor(
      'the ban in the log',
      () => (/publish refused: Stream key banned until [^"]*: test ban\./.test(server.output) ? true : undefined),
      5000,
    );
    const keyAfter = (await publisher.get(`/api/v1/stream-keys/${key.id}`)).body;
    assert.ok(new Date(keyAfter.bannedUntil).getTime() > Date.now());
  });

  it('revoking a live key stops its stream', async () => {
    const key = (await publisher.post('/api/v1/stream-keys', { label: 'revoke me' })).body;
    const ffmpeg = publish(key.key);
    const stream = await liveStream(publisher, key.id);
    assert.equal((await publisher.post(`/api/v1/stream-keys/${key.id}/revoke`)).status, 200);
    assert.equal((await ffmpeg.waitForExit(10_000)).timedOut, false);
    const session = await waitFor('the session to end', async () => {
      const s = (await publisher.get(`/api/v1/sessions/${stream.id}`)).body;
      return s.live ? undefined : s;
    });
    assert.equal(session.endReason, 'key_revoked');
  });

  it('disabling a user stops their stream, refuses their keys and ends their sessions', async () => {
    const victimId = (
      await admin.post('/api/v1/users', { email: 'victim@example.com', password: 'victim password', role: 'publisher' })
    ).body.id;
    const victim = (await ApiClient.login(server.baseUrl, 'victim@example.com', 'victim password')).client;
    const key = (await victim.post('/api/v1/stream-keys', { label: 'doomed' })).body;
    const ffmpeg = publish(key.key);
    const stream = await liveStream(admin, key.id);
    assert.equal((await admin.patch(`/api/v1/users/${victimId}`, { disabled: true })).status, 200);
    assert.equal((await ffmpeg.waitForExit(10_000)).timedOut, false);
    const session = await waitFor('the session to end', async () => {
      const s = (await admin.get(`/api/v1/sessions/${stream.id}`)).body;
      return s.live ? undefined : s;
    });
    assert.equal(session.endReason, 'user_disabled');
    assert.equal((await victim.get('/api/v1/me')).status, 401);
    const refused = await FfmpegPublisher.start(`rtmp://127.0.0.1:${server.rtmpPort}/live/${key.key}`, [
      '-re',
      '-i',
      clip,
    ]).waitForExit(15_000);
    assert.notEqual(refused.code, 0);
  });

  it('paginates history with a cursor and filters by owner and time', async () => {
    const first = await admin.get(`/api/v1/sessions?limit=1&userId=${publisherId}`);
    assert.equal(first.body.items.length, 1);
    assert.ok(first.body.nextCursor);
    const second = await admin.get(`/api/v1/sessions?limit=1&userId=${publisherId}&cursor=${first.body.nextCursor}`);
    assert.equal(second.body.items.length, 1);
    assert.notEqual(second.body.items[0].id, first.body.items[0].id);
    assert.ok(new Date(second.body.items[0].startedAt) <= new Date(first.body.items[0].startedAt));
    const future = await admin.get(`/api/v1/sessions?from=${new Date(Date.now() + 3600_000).toISOString()}`);
    assert.equal(future.body.items.length, 0);
    assert.equal((await admin.get('/api/v1/sessions?cursor=garbage')).status, 400);
  });

  it('serves signed-playback keys only with a valid token, carried on every playlist URI', async () => {
    const key = (await publisher.post('/api/v1/stream-keys', { label: 'private', signedPlayback: true })).body;
    const ffmpeg = publish(key.key);
    await liveStream(publisher, key.id);
    const bare = `${server.baseUrl}/live/${key.playbackId}/index.m3u8`;
    assert.equal((await fetch(bare)).status, 403);
    assert.equal((await fetch(`${bare}?token=1.forged`)).status, 403);
    const signed = (await publisher.post(`/api/v1/stream-keys/${key.id}/playback-token`, { ttlSeconds: 120 })).body;
    const multivariant = await waitFor(
      'the signed playlist',
      async () => {
        const r = await fetch(signed.playbackUrl);
        return r.status === 200 ? r.text() : undefined;
      },
      15_000,
    );
    const mediaUri = multivariant.trim().split('\n').pop()!;
    assert.match(mediaUri, /\?token=/);
    const base = `${server.baseUrl}/live/${key.playbackId}/`;
    const media = await (await fetch(base + mediaUri)).text();
    const segment = /^(seg-\d+\.m4s\?token=\S+)$/m.exec(media)?.[1];
    assert.ok(segment, media);
    const instance = mediaUri.split('/')[0];
    assert.equal((await fetch(`${base}${instance}/${segment}`)).status, 200);
    assert.equal((await fetch(`${base}${instance}/${segment.split('?')[0]}`)).status, 403);
    await ffmpeg.stop();
  });
});
