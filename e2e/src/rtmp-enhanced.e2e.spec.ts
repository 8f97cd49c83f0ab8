import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { AV1_OBU, containsHevcIrap, readObus } from '@rapidrtmp/codecs';
import { VIDEO_PACKET_TYPE } from '@rapidrtmp/flv';
import { av1TemporalUnits, exVideoTag, hevcAccessUnits } from '@rapidrtmp/flv/testing';
import { createTestDatabase, type TestDatabase } from '@rapidrtmp/server-persistence/testing';
import { EnhancedRtmpPublisher, streamVideoLoop } from './support/enhanced-rtmp-publisher.js';
import { fetchLiveEdge, fetchMultivariant, fetchResource, mediaPlaylistUrl } from './support/hls-live.js';
import { queryRows, readMetric, REPO_ROOT, seedPublisher, ServerProcess, waitFor } from '@rapidrtmp/test-support';
import { findBox, sampleEntrySize } from './support/mp4-boxes.js';

/*
 * HEVC and AV1 over Enhanced RTMP (FourCC video tags, Veovera E-RTMP v1/v2), end to end: ingest,
 * session history, HLS playlists, the fMP4 init segment and a segment a real demuxer can read.
 *
 * Debian's ffmpeg 5.1 cannot publish Enhanced RTMP (E-RTMP output arrived in ffmpeg 6.1: 5.1 refuses
 * HEVC/AV1 in FLV), so the publisher is our own (support/enhanced-rtmp-publisher.ts) sending real
 * x265 / libaom bytes from libs/media/flv/fixtures (made by make-fixtures.sh) cut into frames by
 * @rapidrtmp/flv/testing. The eight fixture frames are looped at 25 fps; each loop restarts on the
 * fixture's first frame, an IDR (HEVC) / key frame with a sequence header (AV1), so the loop decodes.
 */

const run = promisify(execFile);
const FIXTURES = join(REPO_ROOT, 'libs/media/flv/fixtures');
const FPS = 25;
const SECONDS = 6;

interface CodecCase {
  name: string;
  fourCc: 'hvc1' | 'av01';
  configRecord: string;
  /** The fixture elementary stream the frames come from, and how ffmpeg reads it. */
  elementaryStream: string;
  elementaryInput: string[];
  /** The frames as CodedFrames tag bodies. */
  frames: () => Buffer[];
  /** The config box inside the sample entry. */
  configBox: string;
  /** What ffprobe calls the codec. */
  ffprobeName: string;
  /** Fixture facts (see flv-demuxer.spec.ts): both are 320x240. */
  width: number;
  height: number;
}

const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** MD5 of every decoded picture (ffmpeg's framemd5), in output order; throws on any decoder complaint. */
async function pictureHashes(inputArgs: string[]): Promise<string[]> {
  const { stdout, stderr } = await run(
    'ffmpeg',
    ['-v', 'error', ...inputArgs, '-map', '0:v', '-fps_mode', 'passthrough', '-f', 'framemd5', '-'],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  if (stderr.trim() !== '') throw new Error(`ffmpeg complained while decoding:\n${stderr}`);
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)!.trim());
}

const CASES: CodecCase[] = [
  {
    name: 'HEVC',
    fourCc: 'hvc1',
    configRecord: 'hevc-hvcC.bin',
    elementaryStream: 'hevc-8frames.hevc',
    elementaryInput: ['-f', 'hevc', '-i'],
    frames: () =>
      hevcAccessUnits(fixture('hevc-8frames.hevc')).map((au, i) =>
        // HEVC CodedFrames carry an SI24 composition time (0 here: no B-frames); CodedFramesX leaves it
        // out and means 0. Alternate them: a server that read 3 bytes of CTS from CodedFramesX would
        // corrupt every other frame, and the decode check below would say so.
        exVideoTag({
          frameType: containsHevcIrap(au, 4) ? 1 : 2,
          packetType: i % 2 === 0 ? VIDEO_PACKET_TYPE.codedFrames : VIDEO_PACKET_TYPE.codedFramesX,
          fourCc: 'hvc1',
          cts: i % 2 === 0 ? 0 : undefined,
          data: au,
        }),
      ),
    configBox: 'hvcC',
    ffprobeName: 'hevc',
    width: 320,
    height: 240,
  },
  {
    name: 'AV1',
    fourCc: 'av01',
    configRecord: 'av1-av1C.bin',
    elementaryStream: 'av1-8frames.obu',
    elementaryInput: ['-f', 'obu', '-i'],
    frames: () =>
      av1TemporalUnits(fixture('av1-8frames.obu')).map((tu) =>
        // AV1 CodedFrames have no composition time. libaom repeats the sequence header on key frames.
        exVideoTag({
          frameType: [...readObus(tu)].some((obu) => obu.type === AV1_OBU.sequenceHeader) ? 1 : 2,
          packetType: VIDEO_PACKET_TYPE.codedFrames,
          fourCc: 'av01',
          data: tu,
        }),
      ),
    configBox: 'av1C',
    ffprobeName: 'av1',
    width: 320,
    height: 240,
  },
];

interface SessionRow {
  video_codec: string | null;
  audio_codec: string | null;
  width: number | null;
  height: number | null;
  ended_at: Date | null;
  end_reason: string | null;
}

describe('Enhanced RTMP (HEVC, AV1) ingest to HLS', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let scratch: string;

  before(async () => {
    db = await createTestDatabase('rr_ertmp');
    scratch = mkdtempSync(join(tmpdir(), 'rr-ertmp-'));
    // 1 s segments: the fixtures have a key frame every 4 frames, so the first segment exists after ~1 s.
    server = await ServerProcess.start({ env: { DATABASE_URL: db.url, HLS_SEGMENT_SECONDS: '1' } });
  });

  after(async () => {
    await server?.stop();
    await db?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  for (const codec of CASES) {
    it(`${codec.name}: E-RTMP '${codec.fourCc}' reaches the session row, the playlists, the init segment and ffprobe`, async () => {
      const seeded = await seedPublisher(db.url);
      const frames = codec.frames();
      const metric = (kind: string) => readMetric(server.baseUrl, 'rapidrtmp_rtmp_packets_in_total', { kind });
      const before = {
        video: await metric('video'),
        config: await metric('config'),
        malformed: await metric('malformed'),
      };

      const publisher = await EnhancedRtmpPublisher.publish({
        port: server.rtmpPort,
        streamName: seeded.key,
        fourCcList: [codec.fourCc],
      });
      // E-RTMP metadata: videocodecid is the FourCC as a number.
      publisher.sendMetadata({
        width: codec.width,
        height: codec.height,
        framerate: FPS,
        videocodecid: Buffer.from(codec.fourCc, 'latin1').readUInt32BE(0),
      });
      publisher.sendVideo(
        0,
        exVideoTag({
          frameType: 1,
          packetType: VIDEO_PACKET_TYPE.sequenceStart,
          fourCc: codec.fourCc,
          data: fixture(codec.configRecord),
        }),
      );
      const streaming = streamVideoLoop(publisher, frames, { fps: FPS, seconds: SECONDS });
      streaming.catch(() => undefined); // awaited below; keep an early failure from going unhandled

      try {
        const session = await waitFor(
          'the session row to get the codec',
          async () => {
            const [row] = await queryRows<SessionRow>(
              db.url,
              'SELECT * FROM stream_sessions WHERE stream_key_id = $1',
              [seeded.streamKeyId],
            );
            return row?.video_codec ? row : undefined;
          },
          10_000,
        );
        assert.ok(session.video_codec!.startsWith(`${codec.fourCc}.`), `video_codec ${session.video_codec}`);
        assert.deepEqual(
          [session.width, session.height],
          [codec.width, codec.height],
          'resolution from the SPS / sequence header',
        );
        assert.equal(session.audio_codec, null);

        const multivariant = await waitFor(
          'the multivariant playlist',
          () => fetchMultivariant(server.baseUrl, seeded.playbackId),
          15_000,
          200,
        );
        const codecs = /CODECS="([^"]+)"/.exec(multivariant)?.[1];
        assert.equal(codecs, session.video_codec, `multivariant:\n${multivariant}`);
        assert.match(multivariant, new RegExp(`RESOLUTION=${codec.width}x${codec.height}`));

        const mediaUrl = mediaPlaylistUrl(server.baseUrl, seeded.playbackId, multivariant);
        const edge = await waitFor(
          'a segment in the media playlist',
          async () => {
            const e = await fetchLiveEdge(mediaUrl);
            return e && e.segments.length > 0 && e.initUri ? e : undefined;
          },
          15_000,
          200,
        );
        const init = await fetchResource(mediaUrl, edge.initUri!);
        const segment = await fetchResource(mediaUrl, edge.segments[0]!);

        const stsd = ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd'];
        const entry = findBox(init, [...stsd, codec.fourCc]);
        assert.ok(entry, `init segment has a ${codec.fourCc} sample entry`);
        assert.deepEqual(sampleEntrySize(init, entry), { width: codec.width, height: codec.height });
        const configBox = findBox(init, [...stsd, codec.fourCc, codec.configBox]);
        assert.ok(configBox, `the ${codec.fourCc} sample entry holds ${codec.configBox}`);
        // The record travels verbatim from the SequenceStart into the box.
        assert.deepEqual(init.subarray(configBox.contentStart, configBox.end), fixture(codec.configRecord));

        const file = join(scratch, `${codec.fourCc}-init-plus-first-segment.mp4`);
        writeFileSync(file, Buffer.concat([init, segment]));
        const probe = await run('ffprobe', [
          '-v',
          'error',
          '-show_entries',
          'stream=codec_type,codec_name,width,height',
          '-of',
          'json',
          file,
        ]);
        assert.equal(probe.stderr.trim(), '', 'ffprobe reports no error');
        const streams = (JSON.parse(probe.stdout) as { streams: Array<Record<string, unknown>> }).streams;
        assert.deepEqual(streams, [
          { codec_name: codec.ffprobeName, codec_type: 'video', width: codec.width, height: codec.height },
        ]);
        // Stronger than probing: the first segment decodes to exactly the fixture's pictures, in loop
        // order (it starts on our first frame, fixture frame 0), about its 1 s target of them (the
        // segmenter cuts at the first keyframe within 5 % of the target).
        const segmentPictures = await pictureHashes(['-i', file]);
        const fixturePictures = await pictureHashes([...codec.elementaryInput, join(FIXTURES, codec.elementaryStream)]);
        assert.equal(fixturePictures.length, 8);
        assert.ok(
          segmentPictures.length >= Math.floor(FPS * 0.95),
          `${segmentPictures.length} pictures in the first segment`,
        );
        assert.deepEqual(
          segmentPictures,
          segmentPictures.map((_, i) => fixturePictures[i % fixturePictures.length]),
          'decoded pictures match the fixture',
        );
        const decodedFrames = segmentPictures.length;
        console.log(
          `${codec.name}: session ${session.video_codec} ${session.width}x${session.height}; CODECS="${codecs}"; ` +
            `init ${init.length} B, ${edge.segments[0]} ${segment.length} B: ${decodedFrames} pictures, identical to the fixture's`,
        );

        const sent = await streaming;
        await publisher.unpublish();
        const ended = await waitFor(
          'the session to end',
          async () => {
            const [row] = await queryRows<SessionRow>(
              db.url,
              'SELECT * FROM stream_sessions WHERE stream_key_id = $1',
              [seeded.streamKeyId],
            );
            return row?.ended_at ? row : undefined;
          },
          10_000,
        );
        assert.equal(ended.end_reason, 'publisher_disconnect');
        // Every frame demuxed, one config, nothing dropped as malformed.
        assert.deepEqual(
          {
            video: (await metric('video')) - before.video,
            config: (await metric('config')) - before.config,
            malformed: (await metric('malformed')) - before.malformed,
          },
          { video: sent, config: 1, malformed: 0 },
        );
      } finally {
        publisher.destroy();
        await streaming.catch(() => undefined);
      }
    });
  }
});
