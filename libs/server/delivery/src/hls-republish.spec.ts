import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SegmentRecord } from '@rapidrtmp/hls';
import { syntheticConfigs, syntheticPackets } from '@rapidrtmp/hls/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { Publisher } from '@rapidrtmp/server-domain';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStream, type LiveStreamInfo, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { waitFor } from '@rapidrtmp/test-support';
import { HlsService } from './hls.service.js';
import { PARTS_PER_APPEND } from './live-spill.js';
import type { SegmentArchive, SpilledSegment } from './segment-archive.js';

const publisher: Publisher = { close: () => undefined };
// Every session's live window is spilled to DATA_DIR, recorded or not.
const dataDir = mkdtempSync(join(tmpdir(), 'hls-republish-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

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
  storeSegment(
    sessionId: string,
    segment: SegmentRecord,
    _initName: string,
    _onStored?: () => void,
    source?: SpilledSegment,
  ): void {
    if (this.begun.has(sessionId)) this.calls.push(`segment ${sessionId} ${segment.name}`);
    source?.release();
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
    it(`gives a republished session its own recording of the init in force (${order})`, async () => {
      const registry = new LiveStreamRegistry();
      const hls = new HlsService(
        loadConfig({ HLS_REPUBLISH_GRACE_SECONDS: '10', DATA_DIR: dataDir }),
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
      // Segments reach the recorder once the spill has them whole.
      await waitFor('a segment of s2 recorded', () => archive.calls.some((c) => c.startsWith('segment s2 ')), 5000);

      assert.deepEqual(seen, ['s1', 's2']);
      const begin2 = archive.calls.indexOf('begin s2');
      assert.ok(begin2 > 0, archive.calls.join('\n'));
      assert.equal(archive.calls[begin2 + 1], 'init s2 init-0.mp4', 'the continued playlist’s init is recorded for s2');
      assert.ok(archive.calls.slice(begin2).some((c) => c.startsWith('segment s2 ')));
      assert.ok(
        archive.calls.slice(0, begin2).every((c) => !c.includes(' s2')),
        'nothing of s2 before it began',
      );
      await hls.onModuleDestroy();
    });
  }
});

/** A recorder that keeps every segment it is given, in memory, and counts the reads back. */
class MemoryRecorder implements SegmentArchive {
  readonly stored = new Map<string, Buffer>();
  reads = 0;
  begin(): void {
    // nothing to set up per session
  }
  storeInit(_sessionId: string, name: string, data: Buffer): void {
    this.stored.set(name, data);
  }
  storeSegment(
    _sessionId: string,
    segment: SegmentRecord,
    _initName: string,
    _onStored?: () => void,
    source?: SpilledSegment,
  ): void {
    void (source?.read() ?? Promise.resolve([...segment.chunks])).then((chunks) => {
      if (chunks) this.stored.set(segment.name, Buffer.concat(chunks));
      source?.release();
    });
  }
  async read(_sessionId: string, name: string): Promise<Buffer | undefined> {
    this.reads++;
    return this.stored.get(name);
  }
}

/** Counts the parts the spill takes and, once written, reports stored (to wait for the writes). */
function countPartWrites(hls: HlsService): { taken: number; written: number } {
  const counts = { taken: 0, written: 0 };
  const storePart = hls.spill.storePart.bind(hls.spill);
  hls.spill.storePart = (id, segmentName, part, onStored) => {
    const took = storePart(id, segmentName, part, () => {
      counts.written++;
      onStored();
    });
    if (took) counts.taken++;
    return took;
  };
  return counts;
}

/** HLS delivery with `settings` over `archive`, and one live session of playback id pb1. */
function liveWithArchive(settings: Record<string, string>, archive: SegmentArchive) {
  const registry = new LiveStreamRegistry();
  const config = loadConfig({ DATA_DIR: dataDir, ...settings });
  const hls = new HlsService(config, registry, new MetricsRegistry(), createLogger('silent'));
  hls.useArchive(archive);
  hls.onModuleInit();
  const stream = session('s1');
  registry.add(stream);
  return { hls, stream };
}

describe('HLS live window memory', () => {
  it('lets a stored part go on the packager’s next event, never from the storage callback', async () => {
    const { hls, stream } = liveWithArchive({ HLS_WINDOW: '6', HLS_MEMORY_SECONDS: '0.25' }, new MemoryRecorder());
    const writes = countPartWrites(hls);
    let reads = 0;
    const readRange = hls.spill.readRange.bind(hls.spill);
    hls.spill.readRange = (...args) => {
      reads++;
      return readRange(...args);
    };
    for (let second = 0; second < 5; second++) {
      publishSeconds(stream, 1, second * 1000);
      await waitFor('parts written', () => writes.taken - writes.written < PARTS_PER_APPEND, 5000);
    }
    const hlsStream = hls.get('pb1')!;
    const playlist = await hlsStream.mediaPlaylist(undefined);
    assert.ok(playlist.ok);
    const parts = [...playlist.body.matchAll(/^#EXT-X-PART:.*URI="(part-\d+\.\d+\.m4s)"/gm)].map((m) => m[1]!);
    // The storage callbacks ran (as promise continuations do, between a request's lookup and its response's
    // hold on the bytes): the parts they stored are still in memory.
    const name = parts.at(-2)!;
    const before = await hlsStream.resource(name);
    assert.ok(before.ok);
    assert.equal(reads, 0, `${name} still from memory after its storage callback`);
    // The next part comes: now all but the newest one go.
    publishSeconds(stream, 0.5, 5000);
    const later = await hlsStream.resource(name);
    assert.ok(later.ok);
    assert.equal(reads, 1, 'read back from storage once the packager moved on');
    assert.deepEqual(Buffer.concat(later.body), Buffer.concat(before.body), 'the same bytes');
    await hls.onModuleDestroy();
  });

  it('records every segment whole and byte for byte while its parts leave memory, and serves the window from the spill', async () => {
    const archive = new MemoryRecorder();
    const { hls, stream } = liveWithArchive({ HLS_MEMORY_SECONDS: '1', HLS_WINDOW: '6' }, archive);
    const writes = countPartWrites(hls);
    for (let second = 0; second < 12; second++) {
      publishSeconds(stream, 1, second * 1000);
      await waitFor('parts written', () => writes.taken - writes.written < PARTS_PER_APPEND, 5000);
    }
    const hlsStream = hls.get('pb1')!;
    const playlist = await hlsStream.mediaPlaylist(undefined);
    assert.ok(playlist.ok);
    const listed = [...playlist.body.matchAll(/^(seg-\d+\.m4s)$/gm)].map((m) => m[1]!);
    assert.ok(listed.length >= 4, playlist.body);
    await waitFor('recorded', () => listed.every((name) => archive.stored.has(name)), 5000);
    for (const name of listed) {
      const answer = await hlsStream.resource(name);
      assert.ok(answer.ok, name);
      assert.deepEqual(Buffer.concat(answer.body), archive.stored.get(name), `${name}: served = recorded`);
    }
    assert.equal(archive.reads, 0, 'the live window comes from the spill, not the recording');
    const parts = [...playlist.body.matchAll(/^#EXT-X-PART:.*URI="(part-(\d+)\.\d+\.m4s)"/gm)];
    for (const [, name, msn] of parts) {
      const answer = await hlsStream.resource(name!);
      assert.ok(answer.ok, name);
      const segment = archive.stored.get(`seg-${msn}.m4s`);
      if (segment) assert.ok(segment.includes(Buffer.concat(answer.body)), `${name} is a part of its recorded segment`);
    }
    await hls.onModuleDestroy();
  });
});
