import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SegmentRecord } from '@rapidrtmp/hls';
import { syntheticConfigs, syntheticPackets } from '@rapidrtmp/hls/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { Publisher } from '@rapidrtmp/server-domain';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStream, type LiveStreamInfo, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { HlsService } from './hls.service.js';
import type { SegmentArchive } from './segment-archive.js';

const publisher: Publisher = { close: () => undefined };

/** Behaves like the recorder: keeps only what belongs to a session it has begun, in call order. */
class ArchiveLog implements SegmentArchive {
  readonly calls: string[] = [];
  private readonly begun = new Set<string>();

  begin(stream: LiveStream): void {
    this.begun.add(stream.info.id);
    this.calls.push(`begin ${stream.info.id}`);
  }
  storeInit(sessionId: string, name: string): void {
    if (this.begun.has(sessionId)) this.calls.push(`init ${sessionId} ${name}`);
  }
  storeSegment(sessionId: string, segment: SegmentRecord): void {
    if (this.begun.has(sessionId)) this.calls.push(`segment ${sessionId} ${segment.name}`);
  }
  async read(): Promise<Buffer | undefined> {
    return undefined;
  }
}

function session(id: string): LiveStream {
  const info = { id, playbackId: 'pb1', streamKeyId: 'k1', signedPlayback: false, recordingEnabled: true };
  return new LiveStream({ ...info, startedAt: new Date() } as LiveStreamInfo, publisher);
}

function publishSeconds(stream: LiveStream, seconds: number, offsetMs: number): void {
  const { video, audio } = syntheticConfigs();
  stream.publish({ type: 'config', track: 'video', config: video, changed: false });
  stream.publish({ type: 'config', track: 'audio', config: audio, changed: false });
  for (const packet of syntheticPackets({ seconds, offsetMs })) stream.publish({ type: 'packet', packet });
}

describe('HLS republish and the archive', () => {
  for (const order of ['other listeners first', 'delivery first'] as const) {
    it(`gives a republished session its own recording of the init in force (${order})`, () => {
      const registry = new LiveStreamRegistry();
      const hls = new HlsService(
        loadConfig({ HLS_REPUBLISH_GRACE_SECONDS: '10' }),
        registry,
        new MetricsRegistry(),
        createLogger('silent'),
      );
      const archive = new ArchiveLog();
      const seen: string[] = [];
      // What used to decide the outcome: who else listens to the registry, and in which order.
      if (order === 'other listeners first') registry.onStarted((s) => seen.push(s.info.id));
      hls.useArchive(archive);
      hls.onModuleInit();
      if (order === 'delivery first') registry.onStarted((s) => seen.push(s.info.id));

      const first = session('s1');
      registry.add(first);
      publishSeconds(first, 5, 0);
      first.end({ reason: 'publisher_disconnect', graceful: false, stoppedBy: null });
      registry.remove(first);

      const second = session('s2');
      registry.add(second);
      publishSeconds(second, 5, 6000);

      assert.deepEqual(seen, ['s1', 's2']);
      const begin2 = archive.calls.indexOf('begin s2');
      assert.ok(begin2 > 0, archive.calls.join('\n'));
      assert.equal(archive.calls[begin2 + 1], 'init s2 init-0.mp4', 'the continued playlist’s init is recorded for s2');
      assert.ok(archive.calls.slice(begin2).some((c) => c.startsWith('segment s2 ')));
      assert.ok(
        archive.calls.slice(0, begin2).every((c) => !c.includes(' s2')),
        'nothing of s2 before it began',
      );
      void hls.onModuleDestroy();
    });
  }
});

/** Stores every segment at once and reads it back; says it is stored when the test says so. */
class ManualArchive implements SegmentArchive {
  readonly stored = new Map<string, Buffer>();
  readonly pending: Array<() => void> = [];
  reads = 0;
  begin(): void {
    // nothing to set up per session
  }
  storeInit(_sessionId: string, name: string, data: Buffer): void {
    this.stored.set(name, data);
  }
  storeSegment(_sessionId: string, segment: SegmentRecord, _initName: string, onStored?: () => void): void {
    this.stored.set(segment.name, Buffer.concat(segment.chunks));
    if (onStored) this.whenStored(onStored);
  }
  async read(_sessionId: string, name: string): Promise<Buffer | undefined> {
    this.reads++;
    return this.stored.get(name);
  }
  protected whenStored(onStored: () => void): void {
    this.pending.push(onStored);
  }
}

/** Says each segment is stored right after the call, like a recorder on a fast store. */
class StoringArchive extends ManualArchive {
  protected override whenStored(onStored: () => void): void {
    queueMicrotask(onStored);
  }
}

/** HLS delivery with `settings` over `archive`, and one live session of playback id pb1. */
function liveWithArchive(settings: Record<string, string>, archive: SegmentArchive) {
  const registry = new LiveStreamRegistry();
  const hls = new HlsService(loadConfig(settings), registry, new MetricsRegistry(), createLogger('silent'));
  hls.useArchive(archive);
  hls.onModuleInit();
  const stream = session('s1');
  registry.add(stream);
  return { hls, stream };
}

describe('HLS live window memory', () => {
  it('lets a stored segment’s parts go on the packager’s next event, never from the storage callback', async () => {
    const archive = new ManualArchive();
    const { hls, stream } = liveWithArchive({ HLS_WINDOW: '6' }, archive);
    publishSeconds(stream, 5, 0);
    const hlsStream = hls.get('pb1')!;
    const playlist = await hlsStream.mediaPlaylist(undefined);
    assert.ok(playlist.ok);
    const newest = [...playlist.body.matchAll(/^seg-(\d+)\.m4s$/gm)].at(-1)![1]!;
    const openParts = playlist.body.slice(playlist.body.lastIndexOf('seg-')).match(/#EXT-X-PART:/g)?.length ?? 0;
    assert.ok(openParts > 0, `the open segment has parts: ${playlist.body}`);
    // The storage callbacks run (as promise continuations do, between a request's lookup and its response's
    // hold on the bytes): nothing leaves memory yet.
    for (const stored of archive.pending.splice(0)) stored();
    const before = await hlsStream.resource(`part-${newest}.0.m4s`);
    assert.ok(before.ok);
    assert.equal(archive.reads, 0, 'still from memory after the storage callback');
    // The next part comes: now the first part of the newest complete segment goes.
    publishSeconds(stream, 0.5, 5000);
    const after = await hlsStream.resource(`part-${newest}.0.m4s`);
    assert.ok(after.ok);
    assert.equal(archive.reads, 1, 'read back from storage once the packager moved on');
    assert.deepEqual(Buffer.concat(after.body), Buffer.concat(before.body), 'the same bytes');
    await hls.onModuleDestroy();
  });

  it('keeps the newest HLS_MEMORY_SEGMENTS segments of parts in memory and serves the rest from storage', async () => {
    const archive = new StoringArchive();
    const { hls, stream } = liveWithArchive({ HLS_MEMORY_SEGMENTS: '2', HLS_WINDOW: '6' }, archive);
    publishSeconds(stream, 7, 0);
    await new Promise((resolve) => setImmediate(resolve));
    publishSeconds(stream, 5, 7000);
    await new Promise((resolve) => setImmediate(resolve));
    // Stored segments' parts go on the packager's next events.
    publishSeconds(stream, 0.5, 12_000);

    const hlsStream = hls.get('pb1')!;
    const playlist = await hlsStream.mediaPlaylist(undefined);
    assert.ok(playlist.ok);
    const listed = [...playlist.body.matchAll(/^(seg-\d+\.m4s)$/gm)].map((m) => m[1]!);
    assert.ok(listed.length >= 4, playlist.body);
    for (const name of listed) {
      const answer = await hlsStream.resource(name);
      assert.ok(answer.ok, name);
      assert.deepEqual(Buffer.concat(answer.body), archive.stored.get(name), `${name} byte for byte`);
    }
    // Two segments' worth of parts: the open segment's and the newest complete one's whole, so the open
    // segment's parts replaced as many of the first parts of the one before, which is then read from storage.
    const openParts = playlist.body.slice(playlist.body.lastIndexOf('seg-')).match(/#EXT-X-PART:/g)?.length ?? 0;
    assert.ok(openParts > 0, playlist.body);
    assert.equal(archive.reads, listed.length - 1, 'all but the newest came from storage');
    const beforeNewest = listed[listed.length - 2]!;
    const msn = Number(beforeNewest.slice('seg-'.length, -'.m4s'.length));
    const stored = await hlsStream.resource(beforeNewest);
    const firstPart = await hlsStream.resource(`part-${msn}.0.m4s`);
    const keptPart = await hlsStream.resource(`part-${msn}.${openParts}.m4s`);
    assert.ok(stored.ok && firstPart.ok && keptPart.ok);
    const storedBytes = stored.body[0]!.buffer;
    assert.equal(firstPart.body[0]!.buffer, storedBytes, 'its first part: a range of the segment read back');
    assert.notEqual(keptPart.body[0]!.buffer, storedBytes, 'a later part: still in memory');
    await Promise.all([hlsStream.resource(listed[0]!), hlsStream.resource(listed[0]!)]);
    assert.equal(archive.reads, listed.length - 1, 'read from storage once, then from the cache');
    await hls.onModuleDestroy();
  });
});
