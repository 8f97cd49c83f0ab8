import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PartRecord, SegmentRecord } from '@rapidrtmp/hls';
import { syntheticConfigs, syntheticPackets } from '@rapidrtmp/hls/testing';
import { loadConfig } from '@rapidrtmp/server-config';
import type { Publisher } from '@rapidrtmp/server-domain';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStream, type LiveStreamInfo, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { waitFor } from '@rapidrtmp/test-support';
import { HlsService } from './hls.service.js';
import { LiveSpill, PARTS_PER_APPEND } from './live-spill.js';
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

/** A part of segment `msn` whose bytes are `text`. */
function part(msn: number, index: number, text: string): PartRecord {
  return {
    msn,
    index,
    name: `part-${msn}.${index}.m4s`,
    duration: 0.25,
    independent: index === 0,
    chunks: [Buffer.from(text)],
    byteLength: text.length,
  };
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'live-spill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('LiveSpill: the live window of unrecorded streams on local disk', () => {
  it('grows the open segment on disk part by part, keeps HLS_MEMORY_SECONDS of parts in memory and serves the rest of the window from disk, byte for byte', async (t) => {
    const dataDir = tempDir(t);
    const registry = new LiveStreamRegistry();
    const hls = new HlsService(
      loadConfig({ DATA_DIR: dataDir, NODE_ID: 'n1', HLS_MEMORY_SECONDS: '0.5', HLS_WINDOW: '5' }),
      registry,
      new MetricsRegistry(),
      log,
    );
    hls.onModuleInit();
    // What the packager handed over, to compare with what is served back (from memory or disk).
    const produced = new Map<string, Buffer>();
    const storePart = hls.spill.storePart.bind(hls.spill);
    let partsTaken = 0;
    let partsWritten = 0;
    hls.spill.storePart = (id, segmentName, part, onStored) => {
      produced.set(part.name, Buffer.concat(part.chunks));
      const taken = storePart(id, segmentName, part, () => {
        partsWritten++;
        onStored();
      });
      if (taken) partsTaken++;
      return taken;
    };
    const storeSegment = hls.spill.storeSegment.bind(hls.spill);
    hls.spill.storeSegment = (id, segment, initName, onStored) => {
      produced.set(segment.name, Buffer.concat(segment.parts.map((part) => produced.get(part.name)!)));
      storeSegment(id, segment, initName, onStored);
    };
    const rangeReads: string[] = [];
    const readRange = hls.spill.readRange.bind(hls.spill);
    hls.spill.readRange = (id, name, start, end) => {
      rangeReads.push(`${name}@${start}`);
      return readRange(id, name, start, end);
    };
    const stream = session('s1', false);
    registry.add(stream);
    // 2 s segments, the last one open with 1.75 s of parts; a second at a time, as a publisher sends (a burst
    // of more parts than the spill queues per stream stays in memory until its segment ends).
    for (let second = 0; second < 17; second++) {
      publishSeconds(stream, 1, second * 1000);
      await waitFor('parts spilled', () => partsTaken - partsWritten < PARTS_PER_APPEND, 10_000);
    }
    publishSeconds(stream, 0.75, 17_000);
    await waitFor('segments spilled', () => hls.spill.counters.stored >= 8, 10_000);
    await waitFor('parts spilled', () => partsTaken - partsWritten < PARTS_PER_APPEND, 10_000);
    publishSeconds(stream, 0.25, 17_750); // the open segment grows: the releases of the stored parts run now
    const hlsStream = hls.get('pb1')!;
    const playlist = await hlsStream.mediaPlaylist(undefined);
    assert.ok(playlist.ok);
    const listed = [...playlist.body.matchAll(/^(seg-\d+\.m4s)$/gm)].map((m) => m[1]!);
    assert.equal(listed.length, 5, playlist.body);
    const sessionDir = join(dataDir, 'hls-spill', 'n1', 's1');
    const onDisk = readdirSync(sessionDir).filter((name) => name.startsWith('seg-'));
    assert.ok(onDisk.length <= 5 + 2 + 1, `at most the window plus two, and the open segment: ${onDisk.join(' ')}`);
    for (const name of listed.slice(0, 3)) assert.ok(onDisk.includes(name), `${name} spilled`);

    const released = (await hls.metrics.releasedSegments.get()).values[0]?.value ?? 0;
    assert.ok(released >= listed.length, `${released} segments left memory, the newest complete one too`);
    const parts = [...playlist.body.matchAll(/^#EXT-X-PART:.*URI="(part-(\d+)\.(\d+)\.m4s)"/gm)];
    const openMsn = Number(listed[listed.length - 1]!.slice('seg-'.length, -'.m4s'.length)) + 1;
    const openParts = parts.filter((m) => Number(m[2]) === openMsn);
    assert.ok(openParts.length >= 4, `the open segment has parts: ${playlist.body}`);
    for (const name of [...listed, ...parts.map((m) => m[1]!)]) {
      const answer = await hlsStream.resource(name);
      assert.ok(answer.ok, name);
      assert.deepEqual(Buffer.concat(answer.body), produced.get(name), `${name} byte for byte`);
    }
    const openFromDisk = rangeReads.filter((read) => read.startsWith(`seg-${openMsn}.m4s@`));
    // All but the newest 0.5 s (two parts), and a part waiting for the next to be appended with it.
    assert.ok(
      openFromDisk.length >= openParts.length - 3 && openFromDisk.length <= openParts.length - 2,
      `${openFromDisk.length} of the open segment's ${openParts.length} parts from disk`,
    );
    assert.ok(openFromDisk.includes(`seg-${openMsn}.m4s@0`), 'its first part among them');

    await hls.onModuleDestroy();
    assert.equal(existsSync(join(dataDir, 'hls-spill', 'n1')), false, 'removed at shutdown');
  });

  it('appends parts in order, reads ranges of the growing file, and completes it with the parts it did not take', async (t) => {
    const dir = tempDir(t);
    const spill = new LiveSpill({ dir, keepSegments: 3, endedRetentionMs: 50, partsPerAppend: 1 }, log);
    spill.begin(session('s1', false));
    const stored: string[] = [];
    const note = (name: string) => () => stored.push(name);
    const first = [part(0, 0, 'aaaa'), part(0, 1, 'bb'), part(0, 2, 'cccccc'), part(0, 3, 'd')];
    assert.equal(spill.storePart('s1', 'seg-0.m4s', first[0]!, note('0.0')), true);
    assert.equal(spill.storePart('s1', 'seg-0.m4s', first[2]!, note('0.2')), false, 'out of order: not taken');
    assert.equal(spill.storePart('s1', 'seg-0.m4s', first[1]!, note('0.1')), false, 'nor any part after that');
    assert.equal(spill.storePart('other', 'seg-0.m4s', first[0]!, note('x')), false, 'not a spilled session');
    await waitFor('first part written', () => stored.includes('0.0'), 5000);
    assert.equal((await spill.readRange('s1', 'seg-0.m4s', 0, 4))?.toString(), 'aaaa', 'read while growing');
    assert.equal(await spill.readRange('s1', 'seg-0.m4s', 4, 6), undefined, 'not written yet');
    const segment = (name: string, parts: PartRecord[]) =>
      ({ name, parts, chunks: parts.flatMap((p) => p.chunks) }) as unknown as SegmentRecord;
    spill.storeSegment('s1', segment('seg-0.m4s', first), 'init-0.mp4', note('seg-0'));
    assert.equal((await spill.read('s1', 'seg-0.m4s'))?.toString(), 'aaaabbccccccd', 'a read waits for the last bytes');
    assert.equal((await spill.readRange('s1', 'seg-0.m4s', 6, 12))?.toString(), 'cccccc');
    // A segment taken whole, part by part: storeSegment only closes the file.
    const second = [part(1, 0, 'ee'), part(1, 1, 'fff')];
    for (const p of second) assert.equal(spill.storePart('s1', 'seg-1.m4s', p, note(`1.${p.index}`)), true);
    spill.storeSegment('s1', segment('seg-1.m4s', second), 'init-0.mp4', note('seg-1'));
    assert.equal((await spill.read('s1', 'seg-1.m4s'))?.toString(), 'eefff');
    await waitFor('every write reported', () => stored.length === 5, 5000);
    assert.deepEqual(stored.sort(), ['0.0', '1.0', '1.1', 'seg-0', 'seg-1']);
    // A segment that never completed (the stream moved on) is let go: the next one starts a file of its own.
    assert.equal(spill.storePart('s1', 'seg-2.m4s', part(2, 0, 'g'), note('2.0')), true);
    assert.equal(spill.storePart('s1', 'seg-3.m4s', part(3, 1, 'h'), note('3.1')), false, 'only from a first part');
    assert.equal(spill.storePart('s1', 'seg-3.m4s', part(3, 0, 'i'), note('3.0')), true);
    await waitFor('both written', () => stored.includes('2.0') && stored.includes('3.0'), 5000);
    assert.equal((await spill.readRange('s1', 'seg-3.m4s', 0, 1))?.toString(), 'i');
    await spill.clear();
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

  it('appends the open segment two parts at a time, and the last ones when the segment ends', async (t) => {
    const dir = tempDir(t);
    const spill = new LiveSpill({ dir, keepSegments: 3, endedRetentionMs: 50 }, log);
    spill.begin(session('s1', false));
    const stored: number[] = [];
    const parts = ['aa', 'bb', 'cc'].map((text, index) => part(0, index, text));
    spill.storePart('s1', 'seg-0.m4s', parts[0]!, () => stored.push(0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(stored.length, 0, 'one part waits for the next');
    spill.storePart('s1', 'seg-0.m4s', parts[1]!, () => stored.push(1));
    spill.storePart('s1', 'seg-0.m4s', parts[2]!, () => stored.push(2));
    await waitFor('the first two written together', () => stored.length === 2, 5000);
    assert.equal((await spill.readRange('s1', 'seg-0.m4s', 0, 4))?.toString(), 'aabb');
    const segment = { name: 'seg-0.m4s', parts, chunks: parts.flatMap((p) => p.chunks) } as unknown as SegmentRecord;
    let segmentStored = false;
    spill.storeSegment('s1', segment, 'init-0.mp4', () => (segmentStored = true));
    assert.equal((await spill.read('s1', 'seg-0.m4s'))?.toString(), 'aabbcc', 'the segment end writes the rest');
    await waitFor('stored', () => segmentStored && stored.length === 3, 5000);
    await spill.clear();
  });

  it('spills recorded sessions too, hands the recorder each whole segment, and wipes what an earlier run left', async (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'old-session'), { recursive: true });
    writeFileSync(join(dir, 'old-session', 'seg-1.m4s'), 'stale');
    const spill = new LiveSpill({ dir, keepSegments: 3, endedRetentionMs: 50 }, log);
    const recorded: string[] = [];
    const recorder: SegmentArchive = {
      begin: (s) => recorded.push(`begin ${s.info.id}`),
      storeInit: (id, name) => recorded.push(`init ${id} ${name}`),
      storeSegment: (id, segment, _initName, _onStored, source) =>
        void (async () => {
          // The whole file (for a store that links it) and the bytes read back (for one that copies) agree.
          const file = await source?.file;
          const chunks = await source?.read();
          const onDisk = file ? readFileSync(file).toString() : 'no file';
          recorded.push(`segment ${id} ${segment.name} ${Buffer.concat(chunks ?? []).toString()} ${onDisk}`);
          source?.release();
        })(),
      read: async (id, name) => (id === 'rec' && name === 'seg-9.m4s' ? Buffer.from('from the recording') : undefined),
    };
    const archive = new TieredArchive(recorder, spill);
    archive.begin(session('rec', true));
    archive.begin(session('live', false));
    archive.storeInit('rec', 'init-0.mp4', Buffer.from('init'));
    archive.storeInit('live', 'init-0.mp4', Buffer.from('init'));
    // Segment 0 whole in memory; segment 1's first part left memory once the spill had it.
    const whole = [part(0, 0, 'ab'), part(0, 1, 'cd')];
    for (const p of whole) archive.storePart('rec', 'seg-0.m4s', p, () => undefined);
    const segment = (msn: number, parts: PartRecord[], releasedParts = 0) =>
      ({
        msn,
        name: `seg-${msn}.m4s`,
        parts,
        chunks: parts.flatMap((p) => p.chunks),
        releasedParts,
      }) as unknown as SegmentRecord;
    archive.storeSegment('rec', segment(0, whole), 'init-0.mp4');
    const partly = [part(1, 0, 'ef'), part(1, 1, 'gh')];
    let firstStored = false;
    archive.storePart('rec', 'seg-1.m4s', partly[0]!, () => (firstStored = true));
    archive.storePart('rec', 'seg-1.m4s', partly[1]!, () => undefined);
    await waitFor('first part of segment 1 on disk', () => firstStored, 5000);
    partly[0]!.chunks = []; // as the window lets it go
    archive.storeSegment('rec', segment(1, partly, 1), 'init-0.mp4');
    await waitFor('both segments recorded', () => recorded.length === 4, 5000);
    assert.deepEqual(recorded, [
      'begin rec',
      'init rec init-0.mp4',
      'segment rec seg-0.m4s abcd abcd',
      'segment rec seg-1.m4s efgh efgh',
    ]);
    assert.equal(spill.keeps('rec'), true, 'the live window of a recorded stream is on local disk too');
    assert.equal((await archive.read('rec', 'seg-1.m4s'))?.toString(), 'efgh', 'read back from the spill');
    assert.equal((await archive.read('rec', 'seg-9.m4s'))?.toString(), 'from the recording', 'past the spill');
    assert.equal(await archive.read('live', 'seg-9.m4s'), undefined);
    await waitFor('spilled init', () => existsSync(join(dir, 'live', 'init-0.mp4')), 5000);
    assert.equal(existsSync(join(dir, 'old-session')), false, 'an earlier run’s files are gone');
    assert.equal((await archive.read('live', 'init-0.mp4'))?.toString(), 'init');
    await spill.clear();
  });
});
