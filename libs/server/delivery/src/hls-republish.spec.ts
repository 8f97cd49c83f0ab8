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
      hls.onModuleDestroy();
    });
  }
});
