import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import { restreamEvent, serializeEvent, streamEvent, testEvent } from './webhook-events.js';

describe('webhook events', () => {
  it('stream.started carries the stream identity and nothing about its end', () => {
    const stream = makeLiveStream();
    const event = streamEvent('stream.started', stream, new Date('2026-11-24T10:00:00Z'));
    assert.match(event.id, /^[0-9a-f-]{36}$/);
    assert.equal(event.type, 'stream.started');
    assert.equal(event.createdAt, '2026-11-24T10:00:00.000Z');
    assert.deepEqual(event.data, {
      streamId: stream.info.id,
      playbackId: stream.info.playbackId,
      streamKeyId: stream.info.streamKeyId,
      keyLabel: 'Studio A',
      ownerId: stream.info.ownerId,
      ownerName: 'Ada Lovelace',
      startedAt: stream.info.startedAt.toISOString(),
    });
  });

  it('stream.ended adds end time, reason, bytes and duration; stream.stopped names the moderator', () => {
    const startedAt = new Date('2026-11-24T10:00:00Z');
    const stream = makeLiveStream({ startedAt });
    stream.stats.addBytes(123_456);
    stream.end({ reason: 'stopped_by_moderator', graceful: true, stoppedBy: 'moderator-1' });
    const at = new Date('2026-11-24T10:01:30.250Z');
    const ended = streamEvent('stream.ended', stream, at);
    assert.equal(ended.data.endedAt, at.toISOString());
    assert.equal(ended.data.endReason, 'stopped_by_moderator');
    assert.equal(ended.data.bytesIn, 123_456);
    assert.equal(ended.data.durationSeconds, 90.25);
    assert.equal(ended.data.stoppedBy, 'moderator-1');
    const stopped = streamEvent('stream.stopped', stream, at);
    assert.equal(stopped.data.stoppedBy, 'moderator-1');
    assert.notEqual(stopped.id, ended.id);
  });

  it('leaves stoppedBy out of a plain end, and never carries the remote address', () => {
    const stream = makeLiveStream();
    stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
    const ended = streamEvent('stream.ended', stream);
    assert.equal('stoppedBy' in ended.data, false);
    assert.doesNotMatch(JSON.stringify(ended), /203\.0\.113\.7|remoteAddress/);
  });

  it('restream.failed and restream.recovered carry the stream and the target, never a stream key', () => {
    const stream = makeLiveStream();
    const target = {
      targetId: '5d2f0a9e-1c3b-4e7a-9f00-000000000001',
      targetLabel: 'YouTube',
      targetUrl: 'rtmp://a.rtmp.youtube.com/live2',
      error: 'connect ECONNREFUSED 203.0.113.9:1935',
      attempts: 3,
      failedAt: new Date('2026-11-24T10:05:00Z'),
    };
    const failed = restreamEvent('restream.failed', stream.info, target, new Date('2026-11-24T10:05:07Z'));
    assert.equal(failed.type, 'restream.failed');
    // The stream's identity as in stream.started, then the target.
    const identity = streamEvent('stream.started', stream).data;
    assert.deepEqual(failed.data, { ...identity, ...target, failedAt: '2026-11-24T10:05:00.000Z' });
    const recovered = restreamEvent('restream.recovered', stream.info, target, new Date('2026-11-24T10:05:12Z'));
    assert.equal(recovered.data.recoveredAt, '2026-11-24T10:05:12.000Z');
    const reversed = Object.fromEntries(Object.entries(recovered.data).reverse());
    assert.equal(serializeEvent({ ...recovered, data: reversed }), JSON.stringify(recovered), 'documented order');
  });

  it('serializes in the documented key order whatever order the database returned', () => {
    const event = testEvent(new Date('2026-11-24T10:00:00Z'));
    const shuffled = { data: event.data, createdAt: event.createdAt, type: event.type, id: event.id };
    assert.equal(serializeEvent(shuffled), JSON.stringify(event));
    const stream = makeLiveStream();
    const started = streamEvent('stream.started', stream);
    const reversed = Object.fromEntries(Object.entries(started.data).reverse());
    assert.equal(serializeEvent({ ...started, data: reversed }), JSON.stringify(started));
  });
});
