import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SegmentRecord } from '@rapidrtmp/hls';
import { syntheticConfigs, syntheticPackets } from '@rapidrtmp/hls/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { Publisher } from '@rapidrtmp/server-domain';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStream, type LiveStreamInfo, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { waitFor } from '@rapidrtmp/test-support';
import { HlsService } from './hls.service.js';
import { LiveSpill } from './live-spill.js';
import type { SegmentArchive } from './segment-archive.js';
import { TieredArchive } from './tiered-archive.js';

const publisher: Publisher = { close: () => undefined };
const log = createLogger('silent');

function session(id: string, recordingEnabled: boolean): LiveStream {
  const info = { id, playbackId: 'pb1', streamKeyId: 'k1', signedPlayback: false, recordingEnabled };
  return new LiveStream({ ...info, startedAt: new Date() } as LiveStreamInfo, publisher);
}

function publishSeconds(stream: LiveStream, seconds: number, offsetMs = 0): void {
  const { video, audio } = syntheticConfigs();
  stream.publish({ type: 'config', track: 'video', config: video, changed: false });
  stream.publish({ type: 'config', track: 'audio', config: audio, changed: false });
  for (const packet of syntheticPackets({ seconds, offsetMs })) stream.publish({ type: 'packet', packet });
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'live-spill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('LiveSpill: the live window of unrecorded streams on local disk', () => {
  it('keeps HLS_MEMORY_SEGMENTS in memory and serves the rest of the window, parts too, from disk, byte for byte', async (t) => {
    const dataDir = tempDir(t);
    const registry = new LiveStreamRegistry();
    const hls = new HlsService(
      loadConfig({ DATA_DIR: dataDir, NODE_ID: 'n1', HLS_MEMORY_SEGMENTS: '1', HLS_WINDOW: '5' }),
      registry,
      new MetricsRegistry(),
      log,
    );
    hls.onModuleInit();
    // What the packager handed over, to compare with what is served back (from memory or disk).
    const produced = new Map<string, Buffer>();
    const store = hls.spill.storeSegment.bind(hls.spill);
    hls.spill.storeSegment = (id, segment, initName, onStored) => {
      produced.set(segment.name, Buffer.concat(segment.chunks));
      for (const part of segment.parts) produced.set(part.name, Buffer.concat(part.chunks));
      store(id, segment, initName, onStored);
    };
    const stream = session('s1', false);
    registry.add(stream);
    publishSeconds(stream, 17);
    await waitFor('segments spilled', () => hls.spill.counters.stored >= 9, 10_000);
    publishSeconds(stream, 2.5, 17_000); // one more segment: the releases of the stored ones run now
    const hlsStream = hls.get('pb1')!;
    const playlist = await hlsStream.mediaPlaylist(undefined);
    assert.ok(playlist.ok);
    const listed = [...playlist.body.matchAll(/^(seg-\d+\.m4s)$/gm)].map((m) => m[1]!);
    assert.equal(listed.length, 5, playlist.body);
    const sessionDir = join(dataDir, 'hls-spill', 'n1', 's1');
    const onDisk = readdirSync(sessionDir).filter((name) => name.startsWith('seg-'));
    assert.ok(onDisk.length <= 5 + 2, `at most the window plus two on disk: ${onDisk.join(' ')}`);
    for (const name of listed.slice(0, 3)) assert.ok(onDisk.includes(name), `${name} spilled`);

    const released = (await hls.metrics.releasedSegments.get()).values[0]?.value ?? 0;
    assert.ok(released >= listed.length - 1, `${released} segments left memory, all but the newest`);
    const parts = [...playlist.body.matchAll(/URI="(part-(\d+)\.\d+\.m4s)"/g)];
    const newestMsn = Number(listed[listed.length - 1]!.slice('seg-'.length, -'.m4s'.length));
    assert.ok(
      parts.some((m) => Number(m[2]) < newestMsn),
      'parts of a segment that left memory are listed',
    );
    for (const name of [...listed, ...parts.map((m) => m[1]!)]) {
      if (!produced.has(name)) continue; // a part of the open segment: not stored yet
      const answer = await hlsStream.resource(name);
      assert.ok(answer.ok, name);
      assert.deepEqual(Buffer.concat(answer.body), produced.get(name), `${name} byte for byte`);
    }

    await hls.onModuleDestroy();
    assert.equal(existsSync(join(dataDir, 'hls-spill', 'n1')), false, 'removed at shutdown');
  });

  it('keeps the window plus two per session and removes a session a while after its stream ended', async (t) => {
    const dir = tempDir(t);
    const spill = new LiveSpill({ dir, keepSegments: 3, endedRetentionMs: 50 }, log);
    const stream = session('s1', false);
    spill.begin(stream);
    const stored: string[] = [];
    for (let msn = 0; msn < 6; msn++) {
      const segment = {
        name: `seg-${msn}.m4s`,
        chunks: [Buffer.from([msn]), Buffer.from('fragment')],
      } as unknown as SegmentRecord;
      spill.storeSegment('s1', segment, 'init-0.mp4', () => stored.push(segment.name));
    }
    await waitFor('writes', () => stored.length === 6, 5000);
    await waitFor('oldest removed', () => readdirSync(join(dir, 's1')).length === 3, 5000);
    assert.deepEqual((await spill.read('s1', 'seg-5.m4s'))?.toString('latin1'), '\x05fragment');
    assert.equal(await spill.read('s1', 'seg-0.m4s'), undefined);
    assert.equal(await spill.read('other', 'seg-5.m4s'), undefined);
    spill.ended('s1');
    await waitFor('session removed after the end', () => !existsSync(join(dir, 's1')), 5000);
    assert.equal(spill.keeps('s1'), false);
  });

  it('leaves recorded sessions to the recorder and wipes what an earlier run left', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'old-session'), { recursive: true });
    writeFileSync(join(dir, 'old-session', 'seg-1.m4s'), 'stale');
    const spill = new LiveSpill({ dir, keepSegments: 3, endedRetentionMs: 50 }, log);
    const recorded: string[] = [];
    const recorder: SegmentArchive = {
      begin: (s) => recorded.push(`begin ${s.info.id}`),
      storeInit: (id, name) => recorded.push(`init ${id} ${name}`),
      storeSegment: (id, segment) => recorded.push(`segment ${id} ${segment.name}`),
      read: async () => undefined,
    };
    const archive = new TieredArchive(recorder, spill);
    archive.begin(session('rec', true));
    archive.begin(session('live', false));
    archive.storeInit('rec', 'init-0.mp4', Buffer.from('init'));
    archive.storeInit('live', 'init-0.mp4', Buffer.from('init'));
    archive.storeSegment(
      'rec',
      { name: 'seg-0.m4s', chunks: [Buffer.from('x')] } as unknown as SegmentRecord,
      'init-0.mp4',
    );
    assert.deepEqual(recorded, ['begin rec', 'init rec init-0.mp4', 'segment rec seg-0.m4s']);
    assert.equal(spill.keeps('rec'), false);
    await waitFor('spilled init', () => existsSync(join(dir, 'live', 'init-0.mp4')), 5000);
    assert.equal(existsSync(join(dir, 'old-session')), false, 'an earlier run’s files are gone');
    assert.equal((await archive.read('live', 'init-0.mp4'))?.toString(), 'init');
  });
});
