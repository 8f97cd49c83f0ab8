import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AacConfig, MediaPacket } from '@rapidrtmp/media-core';
import type { Publisher } from '@rapidrtmp/server-domain';
import { GROUP_LINGER_MS, LiveStream } from './live-stream.js';
import type { StreamEvent } from './stream-event.js';

const info = {
  id: 'session-1',
  streamKeyId: 'key-1',
  keyLabel: 'studio',
  playbackId: 'pb1',
  ownerId: 'user-1',
  ownerName: 'Ada',
  remoteAddress: '127.0.0.1',
  startedAt: new Date(0),
  signedPlayback: false,
  recordingEnabled: false,
};

const aac: AacConfig = {
  codec: 'aac',
  asc: Buffer.from([0x12, 0x10]),
  objectType: 2,
  sampleRate: 44100,
  channels: 2,
  samplesPerFrame: 1024,
  codecString: 'mp4a.40.2',
};

function video(dts: number, keyframe: boolean, size = 1000): StreamEvent {
  const packet: MediaPacket = { track: 'video', codec: 'avc', dts, pts: dts, keyframe, payload: Buffer.alloc(size) };
  return { type: 'packet', packet };
}

function recorder() {
  const events: StreamEvent[] = [];
  return { events, subscriber: { name: 'test', onEvent: (e: StreamEvent) => events.push(e) } };
}

const publisher: Publisher = { close: () => undefined };

describe('LiveStream', () => {
  it('delivers events synchronously to running subscribers and replays configs to late joiners', () => {
    const stream = new LiveStream(info, publisher);
    const early = recorder();
    stream.subscribe(early.subscriber);
    stream.publish({ type: 'config', track: 'audio', config: aac, changed: false });
    stream.publish({ type: 'metadata', metadata: { width: 320 } });
    stream.publish(video(0, true));
    assert.equal(early.events.length, 3);

    const late = recorder();
    stream.subscribe(late.subscriber);
    assert.deepEqual(
      late.events.map((e) => e.type),
      ['config', 'metadata'],
    );
    assert.equal(stream.subscriberCount, 2);
  });

  it('queues for a paused subscriber and, past the byte bound, drops media until the next keyframe', () => {
    const stream = new LiveStream(info, publisher);
    const slow = recorder();
    const subscription = stream.subscribe(slow.subscriber, { maxQueuedBytes: 3500 });
    subscription.pause();
    stream.publish(video(0, true));
    stream.publish(video(33, false));
    stream.publish(video(66, false));
    stream.publish(video(100, false)); // 4000 bytes > 3500: queue flushed of media, wait for a keyframe
    stream.publish(video(133, false));
    stream.publish({ type: 'config', track: 'audio', config: aac, changed: false });
    stream.publish(video(166, true));
    subscription.resume();
    assert.deepEqual(
      slow.events.map((e) => (e.type === 'packet' ? `${e.packet.dts}${e.packet.keyframe ? 'K' : ''}` : e.type)),
      ['config', '166K'],
    );
    assert.equal(subscription.droppedPackets, 5);
  });

  it('ends once, tells subscribers, and stops delivering', () => {
    const stream = new LiveStream(info, publisher);
    const sub = recorder();
    stream.subscribe(sub.subscriber);
    stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
    stream.end({ reason: 'timeout', graceful: false, stoppedBy: null });
    stream.publish(video(0, true));
    assert.deepEqual(sub.events, [
      { type: 'end', ending: { reason: 'publisher_disconnect', graceful: true, stoppedBy: null } },
    ]);
    assert.equal(stream.subscriberCount, 0);
    const late = recorder();
    stream.subscribe(late.subscriber);
    assert.deepEqual(late.events, [
      { type: 'end', ending: { reason: 'publisher_disconnect', graceful: true, stoppedBy: null } },
    ]);
  });

  it('measures bitrate, frame rate and keyframe interval over complete seconds', () => {
    let now = 10_000;
    const stream = new LiveStream(info, publisher, () => now);
    for (let second = 0; second < 3; second++) {
      for (let frame = 0; frame < 30; frame++) {
        stream.stats.addBytes(10_000);
        stream.publish(video(second * 1000 + frame * 33, frame === 0));
      }
      now += 1000;
    }
    assert.equal(stream.stats.frameRate(), 30);
    assert.equal(stream.stats.bitrate(), 300_000 * 8);
    assert.equal(stream.stats.keyframeIntervalMs, 1000);
    assert.equal(stream.stats.timeline().length, 3);
  });

  describe('fromKeyframe', () => {
    const audio = (dts: number): StreamEvent => ({
      type: 'packet',
      packet: { track: 'audio', codec: 'aac', dts, pts: dts, keyframe: true, payload: Buffer.alloc(10) },
    });
    const label = (e: StreamEvent): string =>
      e.type === 'packet'
        ? `${e.packet.track[0]}${e.packet.dts}${e.packet.keyframe && e.packet.track === 'video' ? 'K' : ''}`
        : e.type;

    it('starts a joining subscriber at the latest keyframe, audio interleaved as it arrived, then live', () => {
      const stream = new LiveStream(info, publisher);
      stream.publish({ type: 'config', track: 'audio', config: aac, changed: false });
      for (const event of [
        video(0, true),
        audio(10),
        video(33, false),
        video(66, true),
        audio(70),
        video(100, false),
      ]) {
        stream.publish(event);
      }
      const player = recorder();
      stream.subscribe(player.subscriber, { fromKeyframe: true });
      stream.publish(video(133, false));
      assert.deepEqual(player.events.map(label), ['config', 'v66K', 'a70', 'v100', 'v133']);
      assert.equal(stream.keyframeWindow.keyframe?.dts, 66);
      const plain = recorder();
      stream.subscribe(plain.subscriber);
      assert.deepEqual(plain.events.map(label), ['config']);
    });

    it('on demand, holds the group of pictures only while a player that starts on a keyframe may join', () => {
      let now = 0;
      const stream = new LiveStream(info, publisher, () => now, 'on-demand');
      stream.publish({ type: 'config', track: 'video', config: { codec: 'avc' } as never, changed: false });
      for (const event of [video(0, true), audio(10), video(33, false)]) stream.publish(event);
      assert.equal(stream.keyframeWindow.keyframe?.dts, 0, 'the keyframe is kept (thumbnails)');
      assert.deepEqual(stream.keyframeWindow.snapshot(), [], 'not the group: no player may join');
      assert.equal(stream.keyframeWindow.heldBytes, 1000);
      const first = recorder();
      const firstSubscription = stream.subscribe(first.subscriber, { fromKeyframe: true });
      stream.publish(video(66, false));
      for (const event of [video(100, true), audio(110), video(133, false)]) stream.publish(event);
      assert.deepEqual(first.events.map(label), ['config', 'v100K', 'a110', 'v133'], 'the first waits a group');
      const second = recorder();
      const secondSubscription = stream.subscribe(second.subscriber, { fromKeyframe: true });
      assert.deepEqual(second.events.map(label), ['config', 'v100K', 'a110', 'v133'], 'the next starts at once');
      firstSubscription.unsubscribe();
      secondSubscription.unsubscribe();
      now += GROUP_LINGER_MS - 1;
      stream.publish(video(166, true));
      stream.publish(video(200, false));
      assert.equal(stream.keyframeWindow.snapshot().length, 2, 'held a while after the last player left');
      now += 2;
      stream.publish(video(233, true));
      stream.publish(video(266, false));
      assert.deepEqual(stream.keyframeWindow.snapshot(), [], 'then no more');
      assert.equal(stream.keyframeWindow.keyframe?.dts, 233);
    });

    it('holds media back until the first keyframe when the window has none', () => {
      const stream = new LiveStream(info, publisher);
      stream.publish({ type: 'config', track: 'audio', config: aac, changed: false });
      stream.publish({ type: 'config', track: 'video', config: { codec: 'avc' } as never, changed: false });
      const player = recorder();
      const subscription = stream.subscribe(player.subscriber, { fromKeyframe: true });
      stream.publish(video(0, false));
      stream.publish(audio(5));
      stream.publish(video(33, true));
      stream.publish(audio(40));
      assert.deepEqual(player.events.map(label), ['config', 'config', 'v33K', 'a40']);
      assert.equal(subscription.droppedPackets, 2);
    });

    it('starts audio-only streams live, and forgets the window past its byte bound or at the end', () => {
      const audioOnly = new LiveStream(info, publisher);
      audioOnly.publish({ type: 'config', track: 'audio', config: aac, changed: false });
      audioOnly.publish(audio(0));
      const listener = recorder();
      audioOnly.subscribe(listener.subscriber, { fromKeyframe: true });
      audioOnly.publish(audio(23));
      assert.deepEqual(listener.events.map(label), ['config', 'a23']);

      const stream = new LiveStream(info, publisher);
      stream.publish(video(0, true, 10 * 1024 * 1024));
      stream.publish(video(33, false, 7 * 1024 * 1024));
      assert.equal(stream.keyframeWindow.snapshot().length, 0, 'over 16 MiB: dropped until the next keyframe');
      stream.publish(video(66, false));
      assert.equal(stream.keyframeWindow.snapshot().length, 0);
      stream.publish(video(100, true));
      assert.equal(stream.keyframeWindow.heldBytes, 1000);
      stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
      assert.equal(stream.keyframeWindow.keyframe, undefined);
    });
  });
});
