import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FLV_TAG_TYPE, FlvDemuxer, flvFileHeader, flvTag, readFlvFile, type FlvDemuxEvent } from '@rapidrtmp/flv';
import { MediaArena, POISON_BYTE, configureMediaBuffers, mediaBufferPool, releaseMedia } from '@rapidrtmp/media-core';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import type { LiveStream } from '@rapidrtmp/server-streams';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import { LivePlayer, type FlvTagKind, type PlayerTransport } from './live-player.js';
import { createPlayerMetrics, type PlayerEndReason } from './player-metrics.js';

// ffmpeg's H.264 High (B-frames) + AAC fixture of the FLV lib: real tags, replayed as ingest publishes them.
const fixture = readFlvFile(
  readFileSync(new URL('../../../media/flv/fixtures/h264-high-bframes-aac.flv', import.meta.url)),
);
const TAG = { audio: FLV_TAG_TYPE.audio, video: FLV_TAG_TYPE.video, data: FLV_TAG_TYPE.script } as const;
const metrics = createPlayerMetrics(new MetricsRegistry());

/**
 * Publishes the fixture's tags [from, to) into `stream` through the FLV demuxer, as ingest does; returns the
 * packets. With `arena`, each tag body is first copied into it and its reference given back once published,
 * as the RTMP session does with its pooled message bytes.
 */
function publish(stream: LiveStream, demuxer: FlvDemuxer, from: number, to: number, arena?: MediaArena): number {
  let packets = 0;
  for (const tag of fixture.tags.slice(from, to)) {
    const body = arena ? arena.allocate(tag.body.length) : tag.body;
    if (arena) tag.body.copy(body);
    const event =
      tag.type === FLV_TAG_TYPE.video
        ? demuxer.pushVideo(tag.timestamp, body)
        : tag.type === FLV_TAG_TYPE.audio
          ? demuxer.pushAudio(tag.timestamp, body)
          : undefined;
    if (event?.type === 'packet' || event?.type === 'config') stream.publish(event);
    if (event?.type === 'packet') packets++;
    if (arena) releaseMedia(body);
  }
  return packets;
}

type ReadEvent = FlvDemuxEvent | { type: 'script' };

/** A socket stand-in: keeps the tags as an FLV byte stream; `full` and drains are the test's to decide. */
class FakeTransport implements PlayerTransport {
  readonly parts: Buffer[] = [];
  full = false;
  bufferedBytes = 0;
  closed: PlayerEndReason | undefined;
  private drained: (() => void) | undefined;

  begin(tracks: { audio: boolean; video: boolean }): void {
    this.parts.push(flvFileHeader(tracks));
  }

  tag(kind: FlvTagKind, timestamp: number, body: readonly Buffer[]): number {
    const parts = flvTag(TAG[kind], timestamp, body);
    this.parts.push(...parts);
    return parts.reduce((n, p) => n + p.length, 0);
  }

  onDrain(drained: () => void): void {
    this.drained = drained;
  }

  drain(): void {
    this.full = false;
    const drained = this.drained;
    this.drained = undefined;
    drained?.();
  }

  close(reason: PlayerEndReason): void {
    this.closed = reason;
  }

  /** What a player read so far, demuxed again. */
  read(): { header: { hasAudio: boolean; hasVideo: boolean }; events: ReadEvent[]; timestamps: number[] } {
    const file = readFlvFile(Buffer.concat(this.parts));
    const demuxer = new FlvDemuxer();
    const events = file.tags.flatMap((tag): ReadEvent[] => {
      if (tag.type === FLV_TAG_TYPE.script) return [{ type: 'script' }];
      const event =
        tag.type === FLV_TAG_TYPE.video
          ? demuxer.pushVideo(tag.timestamp, tag.body)
          : demuxer.pushAudio(tag.timestamp, tag.body);
      return event ? [event] : [];
    });
    return { header: file.header, events, timestamps: file.tags.map((t) => t.timestamp) };
  }
}

/** A socket whose kernel takes nothing until `takeAll`: what it was handed stays views of the player's buffers. */
class SlowSocket extends FakeTransport {
  override tag(kind: FlvTagKind, timestamp: number, body: readonly Buffer[]): number {
    const bytes = super.tag(kind, timestamp, body);
    this.bufferedBytes += bytes;
    return bytes;
  }

  /** The kernel copies everything pending; then the socket has room again. */
  takeAll(): void {
    for (let i = 0; i < this.parts.length; i++) this.parts[i] = Buffer.from(this.parts[i]!);
    this.bufferedBytes = 0;
    this.drain();
  }
}

function player(
  stream: LiveStream,
  transport: FakeTransport,
  options: { maxQueuedBytes?: number; stallTimeoutMs?: number } = {},
) {
  const ends: PlayerEndReason[] = [];
  const live = new LivePlayer(stream, transport, {
    protocol: 'http_flv',
    maxQueuedBytes: options.maxQueuedBytes ?? 4 * 1024 * 1024,
    stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
    metrics,
    onEnd: (reason) => ends.push(reason),
  });
  live.start();
  return { live, ends };
}

const videoKeyframes = (events: ReadEvent[]) =>
  events.flatMap((e) => (e.type === 'packet' && e.packet.track === 'video' ? [e.packet.keyframe] : []));

describe('LivePlayer', () => {
  it('starts a late joiner at the latest keyframe: onMetaData, sequence headers, then the packets since it', () => {
    const stream = makeLiveStream();
    const demuxer = new FlvDemuxer();
    stream.publish({ type: 'metadata', metadata: { encoder: 'Lavf', width: 1 } });
    publish(stream, demuxer, 0, fixture.tags.length - 5);
    const transport = new FakeTransport();
    const { live } = player(stream, transport);
    const first = transport.read();
    assert.deepEqual([first.header.hasAudio, first.header.hasVideo], [true, true]);
    assert.deepEqual(
      first.events.slice(0, 3).map((e) => (e.type === 'config' ? `config-${e.track}` : e.type)),
      ['script', 'config-video', 'config-audio'],
    );
    const firstPacket = first.events.find((e) => e.type === 'packet');
    assert.ok(firstPacket?.type === 'packet' && firstPacket.packet.track === 'video' && firstPacket.packet.keyframe);
    assert.equal(firstPacket.packet.dts, stream.keyframeWindow.keyframe?.dts, 'the stream’s own time is kept');
    const windowPackets = stream.keyframeWindow.snapshot().length;
    assert.equal(first.events.filter((e) => e.type === 'packet').length, windowPackets);

    const more = publish(stream, demuxer, fixture.tags.length - 5, fixture.tags.length);
    const all = transport.read();
    assert.equal(all.events.filter((e) => e.type === 'packet').length, windowPackets + more);
    assert.ok(
      all.timestamps.every((t, i) => i === 0 || t >= all.timestamps[i - 1]!),
      'one non-decreasing timeline',
    );
    assert.equal(live.ended, false);
    stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
    assert.equal(transport.closed, 'stream_ended');
  });

  it('pauses while the socket is full, resumes on drain, and drops to the next keyframe past the queue bound; the publisher never waits', () => {
    const stream = makeLiveStream();
    const demuxer = new FlvDemuxer();
    publish(stream, demuxer, 0, 40);
    const transport = new FakeTransport();
    transport.full = true; // the socket filled with the first tag
    // The fixture has a keyframe every ~27 kB: 40 kB of queue overflows once, then holds from the next keyframe.
    const { live } = player(stream, transport, { maxQueuedBytes: 40_000 });
    const beforeDrain = transport.read().events.filter((e) => e.type === 'packet').length;
    assert.equal(beforeDrain, 1, 'only the keyframe went out before the socket filled');
    publish(stream, demuxer, 40, fixture.tags.length); // ~66 kB more: dropped to a later keyframe
    assert.equal(transport.read().events.filter((e) => e.type === 'packet').length, 1);
    transport.drain();
    const after = transport.read();
    const keyframes = videoKeyframes(after.events);
    assert.ok(after.events.filter((e) => e.type === 'packet').length > 1);
    // After the first keyframe, whatever follows the drop starts on a keyframe again.
    const resumed = keyframes.slice(1);
    assert.equal(resumed[0], true, `resumed on ${JSON.stringify(resumed.slice(0, 3))}`);
    assert.ok(live.droppedPackets > 0);
    assert.equal(live.ended, false);
  });

  it('holds the pooled slab of every payload until the socket took it, queued ones too, then lets the slabs go', () => {
    // Checked mode: a released slab is poisoned, so a payload let go too early reaches the player as poison.
    configureMediaBuffers({ recycle: true, check: true });
    try {
      const stream = makeLiveStream();
      const demuxer = new FlvDemuxer();
      const arena = new MediaArena(4096, 1024);
      const payloads: Buffer[] = [];
      stream.subscribe({
        name: 'observer',
        keepsMedia: 'none',
        onEvent: (e) => void (e.type === 'packet' && payloads.push(e.packet.payload)),
      });
      const transport = new SlowSocket();
      const pinned = mediaBufferPool.stats.pinned;
      const { live } = player(stream, transport, { maxQueuedBytes: 4 * 1024 * 1024 });
      publish(stream, demuxer, 0, 60, arena);
      // The socket fills: the rest queues in the subscription, past several keyframes (the stream lets go).
      transport.full = true;
      publish(stream, demuxer, 60, fixture.tags.length, arena);
      arena.dispose();
      const poisoned = (payload: Buffer) => payload.every((byte) => byte === POISON_BYTE);
      assert.ok(!payloads.some(poisoned), 'nothing the player has not sent yet was let go');
      transport.takeAll(); // sends what was written, then the drain delivers the queue
      transport.takeAll();
      const expected = new FakeTransport();
      const reference = makeLiveStream();
      player(reference, expected);
      publish(reference, new FlvDemuxer(), 0, fixture.tags.length);
      assert.deepEqual(Buffer.concat(transport.parts), Buffer.concat(expected.parts), 'every byte as published');
      live.stop('client_closed');
      assert.equal(mediaBufferPool.stats.pinned, pinned, 'a player pins nothing');
      // All taken: the slabs only the player held are let go; the keyframe window keeps the last group of pictures.
      const held = new Set(stream.keyframeWindow.snapshot().map((p) => p.payload.buffer));
      const free = payloads.filter((p) => !held.has(p.buffer));
      assert.ok(free.length > payloads.length / 2, `${free.length} of ${payloads.length} on slabs nothing holds`);
      assert.ok(free.every(poisoned), 'the player let go of every slab it held');
      assert.equal(mediaBufferPool.stats.overReleased, 0);
    } finally {
      configureMediaBuffers({ recycle: true, check: false });
    }
  });

  it('disconnects a player whose socket takes nothing for the stall timeout', async () => {
    const stream = makeLiveStream();
    publish(stream, new FlvDemuxer(), 0, 40);
    const transport = new FakeTransport();
    transport.full = true;
    const { ends } = player(stream, transport, { stallTimeoutMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 120));
    assert.deepEqual(ends, ['stalled']);
    assert.equal(transport.closed, 'stalled');
    assert.equal(stream.subscriberCount, 0, 'the subscription is gone');
  });

  it('waits for the first keyframe when it joins before one, and stops on stop() without closing the transport', () => {
    const stream = makeLiveStream();
    const demuxer = new FlvDemuxer();
    const transport = new FakeTransport();
    const { live, ends } = player(stream, transport);
    assert.equal(transport.parts.length, 0);
    publish(stream, demuxer, 0, 20);
    const { events } = transport.read();
    assert.equal(videoKeyframes(events)[0], true);
    live.stop('client_closed');
    live.stop('client_closed');
    assert.deepEqual(ends, ['client_closed']);
    assert.equal(transport.closed, undefined);
    assert.equal(stream.subscriberCount, 0);
  });
});
