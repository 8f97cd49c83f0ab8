import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import {
  FfmpegPublisher,
  queryRows,
  readMetric,
  type SeededKey,
  seedPublisher,
  ServerProcess,
  testClip,
  waitFor,
} from '@rapidrtmp/test-support';

const run = promisify(execFile);

async function countPackets(file: string, stream: 'v:0' | 'a:0'): Promise<number> {
  const { stdout } = await run('ffprobe', [
    '-v',
    'error',
    '-select_streams',
    stream,
    '-count_packets',
    '-show_entries',
    'stream=nb_read_packets',
    '-of',
    'csv=p=0',
    file,
  ]);
  return Number(stdout.trim());
}

interface SessionRow {
  end_reason: string | null;
  ended_at: Date | null;
  video_codec: string | null;
  audio_codec: string | null;
  width: number | null;
  height: number | null;
  bytes_in: string;
  node_id: string;
}

describe('RTMP ingest with real publishers', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let clip: string;

  before(async () => {
    db = await createTestDatabase('rr_ingest');
    clip = await testClip({ seconds: 6, width: 640, height: 360, bframes: 3, gop: 60 });
    server = await ServerProcess.start({ env: { DATABASE_URL: db.url, NODE_ID: 'ingest-test' } });
  });

  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  const rtmpUrl = (key: string) => `rtmp://127.0.0.1:${server.rtmpPort}/live/${key}`;
  const sessionsOf = (seeded: SeededKey) =>
    queryRows<SessionRow>(db.url, `SELECT * FROM stream_sessions WHERE stream_key_id = $1 ORDER BY started_at`, [
      seeded.streamKeyId,
    ]);

  it('accepts ffmpeg -c copy (H.264 High with B-frames + AAC) and demuxes every frame', async () => {
    const seeded = await seedPublisher(db.url);
    const videoBefore = await readMetric(server.baseUrl, 'rapidrtmp_rtmp_packets_in_total', { kind: 'video' });
    const audioBefore = await readMetric(server.baseUrl, 'rapidrtmp_rtmp_packets_in_total', { kind: 'audio' });
    const publisher = FfmpegPublisher.start(rtmpUrl(seeded.key), ['-re', '-i', clip]);
    const exit = await publisher.waitForExit(30_000);
    assert.equal(exit.code, 0, exit.stderr);

    const [expectedVideo, expectedAudio] = await Promise.all([countPackets(clip, 'v:0'), countPackets(clip, 'a:0')]);
    const session = await waitFor('the session to close', async () => {
      const [row] = await sessionsOf(seeded);
      return row?.ended_at ? row : undefined;
    });
    assert.equal(
      (await readMetric(server.baseUrl, 'rapidrtmp_rtmp_packets_in_total', { kind: 'video' })) - videoBefore,
      expectedVideo,
    );
    assert.equal(
      (await readMetric(server.baseUrl, 'rapidrtmp_rtmp_packets_in_total', { kind: 'audio' })) - audioBefore,
      expectedAudio,
    );
    assert.equal(session.end_reason, 'publisher_disconnect');
    assert.equal(session.node_id, 'ingest-test');
    assert.equal(session.video_codec, 'avc1.64001e');
    assert.equal(session.audio_codec, 'mp4a.40.2');
    assert.deepEqual([session.width, session.height], [640, 360]);
    assert.ok(Number(session.bytes_in) > 400_000, `bytes_in ${session.bytes_in}`);
    assert.equal(server.output.includes(seeded.key), false, 'the stream key never appears in the log');
  });

  it('accepts a live libx264 -tune zerolatency encode and the ?token= form', async () => {
    const seeded = await seedPublisher(db.url);
    const publisher = FfmpegPublisher.start(
      `rtmp://127.0.0.1:${server.rtmpPort}/live/studio?token=${seeded.key}`,
      ['-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine', '-t', '4'],
      ['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-c:a', 'aac'],
    );
    const exit = await publisher.waitForExit(30_000);
    assert.equal(exit.code, 0, exit.stderr);
    const session = await waitFor('the session to close', async () => {
      const [row] = await sessionsOf(seeded);
      return row?.ended_at ? row : undefined;
    });
    assert.equal(session.video_codec?.startsWith('avc1.'), true);
    assert.deepEqual([session.width, session.height], [320, 240]);
  });

  it('accepts GStreamer rtmp2sink', async () => {
    const seeded = await seedPublisher(db.url);
    const gst = spawn(
      'gst-launch-1.0',
      [
        '-q',
        'filesrc',
        `location=${clip}`,
        '!',
        'qtdemux',
        'name=d',
        'flvmux',
        'name=mux',
        'streamable=true',
        '!',
        'rtmp2sink',
        `location=${rtmpUrl(seeded.key)}`,
        'd.video_0',
        '!',
        'queue',
        '!',
        'h264parse',
        '!',
        'mux.',
        'd.audio_0',
        '!',
        'queue',
        '!',
        'aacparse',
        '!',
        'mux.',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    gst.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const live = await waitFor(
      'GStreamer to go live',
      async () => {
        const [row] = await sessionsOf(seeded);
        return row?.video_codec ? row : undefined;
      },
      20_000,
    );
    assert.equal(live.video_codec, 'avc1.64001e');
    assert.equal(live.audio_codec, 'mp4a.40.2');
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => gst.kill('SIGKILL'), 30_000);
      gst.once('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    assert.equal(code, 0, stderr);
    await waitFor('the session to close', async () => {
      const [row] = await sessionsOf(seeded);
      return row?.ended_at ? row : undefined;
    });
  });

  it('refuses an unknown key, and a second publisher on a live key', async () => {
    const refusedBefore = await readMetric(server.baseUrl, 'rapidrtmp_rtmp_rejected_total', { reason: 'bad_key' });
    const bad = FfmpegPublisher.start(rtmpUrl('live_not_a_real_key_at_all_000000'), ['-re', '-i', clip]);
    const badExit = await bad.waitForExit(15_000);
    assert.notEqual(badExit.code, 0);
    assert.equal(badExit.timedOut, false, 'ffmpeg is disconnected, not left hanging');
    assert.equal(
      await readMetric(server.baseUrl, 'rapidrtmp_rtmp_rejected_total', { reason: 'bad_key' }),
      refusedBefore + 1,
    );

    const seeded = await seedPublisher(db.url);
    const first = FfmpegPublisher.start(rtmpUrl(seeded.key), ['-re', '-stream_loop', '-1', '-i', clip]);
    await waitFor('the first publisher to go live', async () => ((await sessionsOf(seeded)).length ? true : undefined));
    const second = FfmpegPublisher.start(rtmpUrl(seeded.key), ['-re', '-i', clip]);
    const secondExit = await second.waitForExit(15_000);
    assert.notEqual(secondExit.code, 0, 'the second publisher is refused');
    assert.equal(first.child.exitCode, null, 'the first publisher keeps streaming');
    await first.stop();
    assert.equal((await sessionsOf(seeded)).length, 1);
  });
});

describe('RTMP_DUPLICATE_PUBLISH=takeover', { timeout: 90_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;

  before(async () => {
    db = await createTestDatabase('rr_takeover');
    server = await ServerProcess.start({ env: { DATABASE_URL: db.url, RTMP_DUPLICATE_PUBLISH: 'takeover' } });
  });

  after(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('lets a second publisher on a live key take over and disconnects the first', async () => {
    const clip = await testClip({ seconds: 6, width: 640, height: 360, bframes: 3, gop: 60 });
    const seeded = await seedPublisher(db.url);
    const url = `rtmp://127.0.0.1:${server.rtmpPort}/live/${seeded.key}`;
    const sessions = () =>
      queryRows<SessionRow & { started_at: Date }>(
        db.url,
        `SELECT * FROM stream_sessions WHERE stream_key_id = $1 ORDER BY started_at`,
        [seeded.streamKeyId],
      );
    const first = FfmpegPublisher.start(url, ['-re', '-stream_loop', '-1', '-i', clip]);
    await waitFor('the first publisher to go live', async () => ((await sessions()).length === 1 ? true : undefined));
    const second = FfmpegPublisher.start(url, ['-re', '-stream_loop', '-1', '-i', clip]);
    const firstExit = await first.waitForExit(15_000);
    assert.equal(firstExit.timedOut, false, 'the first publisher is disconnected');
    const [old, current] = await waitFor('both sessions', async () => {
      const rows = await sessions();
      return rows.length === 2 && rows[0]!.ended_at ? rows : undefined;
    });
    assert.equal(old!.end_reason, 'taken_over');
    assert.equal(current!.ended_at, null, 'the second publisher is live');
    assert.equal(second.child.exitCode, null);
    await second.stop();
  });
});
