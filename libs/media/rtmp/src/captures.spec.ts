import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { RtmpServerSession, type RtmpMediaMessage } from './index.js';
import { SeededRandom } from '@rapidrtmp/media-core/testing';
import { ServerOutput } from './testing/rtmp-test-peer.js';

/** Client->server bytes of real publishes to nginx-rtmp; see fixtures/README.md. */
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);

interface Run {
  commands: string[];
  connect: unknown;
  publish: unknown;
  metadata: Record<string, unknown>[];
  media: RtmpMediaMessage[];
  unpublishes: string[];
  errors: string[];
  replies: string[];
  handshakeBytes: number;
}

/**
 * Feeds a capture through a session that accepts the publish, in the given slices. With `reusedReadBuffer`
 * every slice goes through one buffer that is overwritten after each call, as a socket read into one reused
 * buffer is: a view of the input kept past `receive` would read the poison.
 */
function run(capture: Buffer, slices: Buffer[] = [capture], reusedReadBuffer?: Buffer): Run {
  const out = new ServerOutput();
  const result: Run = {
    commands: [],
    connect: undefined,
    publish: undefined,
    metadata: [],
    media: [],
    unpublishes: [],
    errors: [],
    replies: [],
    handshakeBytes: 0,
  };
  const session: RtmpServerSession = new RtmpServerSession({
    send: (bytes) => out.push(bytes),
    onCommand: (command) => result.commands.push(`${command.name}:${command.transactionId}`),
    onConnect: (info) =>
      (result.connect = { app: info.app, flashVer: info.flashVer, objectEncoding: info.objectEncoding }),
    onPublish: (request) => {
      result.publish = request;
      session.acceptPublish(request.streamId);
    },
    onMetadata: (metadata) => result.metadata.push(metadata),
    // A copy: the session gives the message's slab back once this returns.
    onMedia: (media) => result.media.push({ ...media, payload: Buffer.from(media.payload) }),
    onUnpublish: (reason) => result.unpublishes.push(reason),
    onProtocolError: (error) => result.errors.push(error.code),
  });
  for (const slice of slices) {
    if (!reusedReadBuffer) {
      session.receive(slice);
      continue;
    }
    slice.copy(reusedReadBuffer);
    session.receive(reusedReadBuffer.subarray(0, slice.length));
    reusedReadBuffer.fill(0xdb);
  }
  result.replies = out.commandNames();
  result.handshakeBytes = out.handshake.length;
  return result;
}

function randomSlices(bytes: Buffer, random: SeededRandom, maxSize: number): Buffer[] {
  const slices: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const size = random.int(1, maxSize);
    slices.push(bytes.subarray(at, at + size));
    at += size;
  }
  return slices;
}

const kinds = (r: Run, kind: 'audio' | 'video') => r.media.filter((m) => m.kind === kind);

function assertNonDecreasing(values: number[], what: string): void {
  for (let i = 1; i < values.length; i++)
    assert.ok(values[i]! >= values[i - 1]!, `${what} goes back at ${i}: ${values[i - 1]} -> ${values[i]}`);
}

/** Packet sizes of the source file per stream, from ffprobe (undefined when ffprobe is missing). */
function probeSizes(): { video: number[]; audio: number[] } | undefined {
  const probe = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-show_entries',
      'packet=stream_index,size',
      '-of',
      'json',
      fileURLToPath(fixture('source-h264-aac.mp4')),
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  if (probe.status !== 0) return undefined;
  const packets = (JSON.parse(probe.stdout) as { packets: { stream_index: number; size: string }[] }).packets;
  const sizes = (index: number) => packets.filter((p) => p.stream_index === index).map((p) => Number(p.size));
  return { video: sizes(0), audio: sizes(1) };
}

const CASES = [
  {
    file: 'ffmpeg-h264-aac.bin',
    client: 'ffmpeg 5.1 (Lavf59.27.100)',
    commands: [
      'connect:1',
      'releaseStream:2',
      'FCPublish:3',
      'createStream:4',
      'publish:5',
      'FCUnpublish:6',
      'deleteStream:7',
    ],
    flashVer: 'FMLE/3.0 (compatible; Lavf59.27.100)',
    // AVC sequence header + 90 frames + end of sequence; AAC config + all 131 frames of the file.
    video: 92,
    audio: 132,
    audioFramesDropped: 0,
    metadataMessages: 1,
  },
  {
    file: 'gstreamer-h264-aac.bin',
    client: 'GStreamer 1.22 rtmp2sink',
    commands: [
      'connect:1',
      'releaseStream:0',
      'FCPublish:0',
      'createStream:2',
      'publish:0',
      'FCUnpublish:0',
      'deleteStream:0',
    ],
    flashVer: 'LNX 10,0,32,18',
    // GStreamer drops the file's last (7-byte, edit-list-trimmed) AAC frame.
    video: 92,
    audio: 131,
    audioFramesDropped: 1,
    // flvmux re-sends onMetaData whenever its tag list changes: the host must take repeats as updates.
    metadataMessages: 8,
  },
];

describe('captured publishes', () => {
  const sizes = probeSizes();

  for (const c of CASES) {
    describe(c.client, () => {
      const capture = readFileSync(fixture(c.file));
      const whole = run(capture);

      it('runs the publish command flow', () => {
        assert.deepEqual(whole.errors, []);
        assert.equal(whole.handshakeBytes, 1 + 2 * 1536);
        assert.deepEqual(whole.commands, c.commands);
        assert.deepEqual(whole.connect, { app: 'live', flashVer: c.flashVer, objectEncoding: 0 });
        assert.deepEqual(whole.publish, {
          app: 'live',
          streamName: 'testkey',
          query: {},
          publishType: 'live',
          streamId: 1,
        });
        assert.deepEqual(whole.unpublishes, ['FCUnpublish']);
        assert.deepEqual(whole.replies.filter((name) => name === 'onStatus').length, 2); // Publish.Start, Unpublish.Success
      });

      it('delivers metadata, then the sequence headers first, then every frame', () => {
        assert.equal(whole.metadata.length, c.metadataMessages);
        for (const metadata of whole.metadata) {
          assert.equal(metadata.width, 320);
          assert.equal(metadata.height, 240);
          assert.equal(metadata.videocodecid, 7);
          assert.equal(metadata.audiocodecid, 10);
        }
        const video = kinds(whole, 'video');
        const audio = kinds(whole, 'audio');
        assert.equal(video.length, c.video);
        assert.equal(audio.length, c.audio);
        assert.deepEqual([...video[0]!.payload.subarray(0, 2)], [0x17, 0x00], 'AVC sequence header');
        assert.deepEqual([...audio[0]!.payload.subarray(0, 2)], [0xaf, 0x00], 'AAC AudioSpecificConfig');
        assert.deepEqual([...video.at(-1)!.payload.subarray(0, 2)], [0x17, 0x02], 'AVC end of sequence');
        assert.equal(
          video.filter((m) => m.payload[1] === 1 && m.payload[0]! >> 4 === 1).length,
          3,
          'one keyframe per second',
        );
      });

      it('keeps video DTS and audio timestamps monotonic over 3 s', () => {
        const video = kinds(whole, 'video').map((m) => m.timestamp);
        const audio = kinds(whole, 'audio').map((m) => m.timestamp);
        assertNonDecreasing(video, 'video DTS');
        assertNonDecreasing(audio, 'audio');
        assert.ok(video.at(-1)! > 2800 && video.at(-1)! < 3100);
        // B-frames: some frames carry a positive composition time (signed 24-bit after the AVC packet type).
        assert.ok(kinds(whole, 'video').some((m) => m.payload[1] === 1 && m.payload.readIntBE(2, 3) > 0));
      });

      it('carries the same frames as the source file (ffprobe cross-check)', (t) => {
        if (!sizes) return t.skip('ffprobe not installed');
        const videoFrames = kinds(whole, 'video')
          .filter((m) => m.payload[1] === 1)
          .map((m) => m.payload.length - 5);
        const audioFrames = kinds(whole, 'audio')
          .filter((m) => m.payload[1] === 1)
          .map((m) => m.payload.length - 2);
        assert.deepEqual(videoFrames, sizes.video);
        assert.deepEqual(audioFrames, sizes.audio.slice(0, sizes.audio.length - c.audioFramesDropped));
      });

      it('gives identical results for any slicing of the input', () => {
        const random = new SeededRandom(0xc0ffee);
        for (const maxSize of [1, 7, 200, 1500, 70_000]) {
          assert.deepEqual(
            run(capture, randomSlices(capture, random, maxSize)),
            whole,
            `slices up to ${maxSize} bytes`,
          );
        }
      });

      it('keeps nothing of its input past receive: every read through one reused, overwritten buffer', () => {
        const random = new SeededRandom(0xbadcafe);
        const reused = Buffer.alloc(70_000);
        for (const maxSize of [1, 5, 13, 200, 1500, 70_000]) {
          assert.deepEqual(
            run(capture, randomSlices(capture, random, maxSize), reused),
            whole,
            `reads up to ${maxSize} bytes`,
          );
        }
      });
    });
  }
});
