import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AmfError } from '@rapidrtmp/amf';
import { ChunkReader, decodeControlMessage, RtmpProtocolError, RtmpServerSession } from './index.js';
import { SeededRandom } from '@rapidrtmp/media-core/testing';
import { runClientOnReplies, serverReplyCorpus } from './testing/client-fuzz.js';
import { TestClient } from './testing/rtmp-test-peer.js';

const SEED = 0x0f0221;
const BUDGET_MS = 1_400; // per publish/client test; with the play test the file stays within ~5.5 s
const PLAY_BUDGET_MS = 700;
/** Run at least this many inputs however slow the machine is (the count, not the clock, bounds a loaded CI run). */
const MIN_ITERATIONS = 100;
const HANDSHAKE_BYTES = 1 + 2 * 1536;
const MAX_MESSAGE = 256 * 1024;
const MAX_PENDING = 1024 * 1024;
/** Unparsed input the reader may hold beyond partial messages: one chunk header plus the extended-timestamp peek. */
const HEADER_SLACK = 32;

const captures = ['ffmpeg-h264-aac.bin', 'gstreamer-h264-aac.bin'].map((name) =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url)),
);
const INTERESTING = [
  0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x09, 0x0f, 0x11, 0x12, 0x14, 0x16, 0x3f, 0x7f, 0x80, 0xc3, 0xff,
];

function mutate(random: SeededRandom, corpus: Buffer[], protect: number): Buffer {
  let bytes = Buffer.from(random.pick(corpus));
  for (let step = random.int(1, 6); step > 0 && bytes.length > protect + 1; step--) {
    const at = random.int(protect, bytes.length - 1);
    switch (random.int(0, 6)) {
      case 0:
        bytes[at]! ^= 1 << random.int(0, 7);
        break;
      case 1:
        bytes[at] = random.pick(INTERESTING);
        break;
      case 2:
        bytes = bytes.subarray(0, at);
        break;
      case 3: {
        const other = random.pick(corpus);
        bytes = Buffer.concat([bytes.subarray(0, at), other.subarray(random.int(protect, other.length - 1))]);
        break;
      }
      case 4:
        bytes = Buffer.concat([bytes.subarray(0, at), random.bytes(random.int(1, 16)), bytes.subarray(at)]);
        break;
      case 5: {
        const length = random.int(1, 300);
        bytes = Buffer.concat([bytes.subarray(0, at + length), bytes.subarray(at)]); // duplicate a range
        break;
      }
      default:
        bytes.fill(0xff, at, Math.min(bytes.length, at + random.int(1, 8)));
    }
  }
  return bytes;
}

function slices(bytes: Buffer, random: SeededRandom): Buffer[] {
  const out: Buffer[] = [];
  const max = random.pick([3, 100, 5000, 1 << 20]);
  for (let at = 0; at < bytes.length;) {
    const size = random.int(1, max);
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}

const isTyped = (error: unknown) => error instanceof RtmpProtocolError || error instanceof AmfError;

describe('RTMP fuzz', () => {
  it(`ChunkReader throws only RtmpProtocolError and stays bounded (seed ${SEED})`, (t) => {
    const random = new SeededRandom(SEED);
    const corpus = captures.map((c) => c.subarray(HANDSHAKE_BYTES, HANDSHAKE_BYTES + 24_000));
    const started = performance.now();
    let iterations = 0;
    while (iterations < MIN_ITERATIONS || performance.now() - started < BUDGET_MS) {
      const reader = new ChunkReader({
        maxMessageSize: MAX_MESSAGE,
        maxPendingBytes: MAX_PENDING,
        maxChunkStreams: 16,
      });
      const input = mutate(random, corpus, 0);
      try {
        for (const slice of slices(input, random)) {
          for (const message of reader.push(slice)) {
            const control = decodeControlMessage(message.typeId, message.payload);
            if (control?.type === 'set-chunk-size') reader.setChunkSize(control.chunkSize);
            if (control?.type === 'abort') reader.abort(control.chunkStreamId);
          }
          assert.ok(
            reader.bufferedBytes <= MAX_PENDING + HEADER_SLACK,
            `iteration ${iterations}: ${reader.bufferedBytes} bytes held`,
          );
        }
      } catch (error) {
        if (!(error instanceof RtmpProtocolError)) assert.fail(`iteration ${iterations}: ${String(error)}`);
      }
      iterations++;
    }
    assert.ok(iterations >= MIN_ITERATIONS, `only ${iterations} iterations`);
    t.diagnostic(`${iterations} mutated inputs`);
  });

  it(`RtmpServerSession reports only typed errors, never throws, stays bounded (seed ${SEED + 1})`, (t) => {
    const random = new SeededRandom(SEED + 1);
    const corpus = captures.map((c) => c.subarray(0, 24_000));
    const started = performance.now();
    let iterations = 0;
    let failures = 0;
    while (iterations < MIN_ITERATIONS || performance.now() - started < BUDGET_MS) {
      const errors: unknown[] = [];
      const session: RtmpServerSession = new RtmpServerSession(
        {
          send: () => undefined,
          onPublish: (request) => session.acceptPublish(request.streamId),
          onProtocolError: (error) => errors.push(error),
        },
        { maxMessageSize: MAX_MESSAGE, maxPendingBytes: MAX_PENDING, maxChunkStreams: 16 },
      );
      // Mostly keep the handshake intact so mutations reach the chunk and AMF layers.
      const input = mutate(random, corpus, random.int(0, 3) === 0 ? 0 : HANDSHAKE_BYTES);
      for (const slice of slices(input, random)) {
        session.receive(slice);
        assert.ok(
          session.bufferedBytes <= MAX_PENDING + HEADER_SLACK,
          `iteration ${iterations}: ${session.bufferedBytes} bytes held`,
        );
      }
      session.end();
      assert.ok(errors.length <= 1, 'at most one protocol error per session');
      for (const error of errors) assert.ok(isTyped(error), `iteration ${iterations}: ${String(error)}`);
      failures += errors.length;
      iterations++;
    }
    assert.ok(iterations >= MIN_ITERATIONS, `only ${iterations} iterations`);
    t.diagnostic(`${iterations} mutated sessions, ${failures} protocol errors`);
    assert.ok(failures > 0, 'the mutations should break some sessions');
  });

  it(`RtmpServerSession playing to a hostile player reports only typed errors and never throws (seed ${SEED + 2})`, (t) => {
    const random = new SeededRandom(SEED + 2);
    const client = new TestClient();
    const corpus = [
      Buffer.concat([
        client.playSequence('abc123?token=1.x'),
        client.command('pause', 0, null, [true, 10], 1),
        client.command('receiveVideo', 0, null, [false], 1),
        client.command('pause', 0, null, [false, 20], 1),
        client.setChunkSize(4096),
        client.command('closeStream', 0, null, [], 1),
        client.command('deleteStream', 5, null, [1]),
      ]),
      Buffer.concat([client.playSequence('x'), client.command('play', 0, null, ['y', -1, -1, true], 1)]),
    ];
    const body = [Buffer.of(0x17, 1, 0, 0, 0), Buffer.alloc(5000, 1)];
    const started = performance.now();
    let iterations = 0;
    let played = 0;
    while (iterations < MIN_ITERATIONS || performance.now() - started < PLAY_BUDGET_MS) {
      const errors: unknown[] = [];
      let unplays = 0;
      const session: RtmpServerSession = new RtmpServerSession(
        {
          send: () => undefined,
          onPlay: (request) =>
            random.int(0, 3) === 0 ? session.rejectPlay(request.streamId) : session.acceptPlay(request.streamId),
          onUnplay: () => unplays++,
          onProtocolError: (error) => errors.push(error),
        },
        { maxMessageSize: MAX_MESSAGE, maxPendingBytes: MAX_PENDING, maxChunkStreams: 16 },
      );
      const input = mutate(random, corpus, random.int(0, 3) === 0 ? 0 : HANDSHAKE_BYTES);
      for (const slice of slices(input, random)) {
        session.receive(slice);
        if (session.sendPlayMedia(random.pick(['audio', 'video', 'data'] as const), random.int(0, 2 ** 33), body))
          played++;
      }
      session.end();
      assert.ok(errors.length <= 1 && unplays <= 1, 'at most one protocol error and one unplay per session');
      for (const error of errors) assert.ok(isTyped(error), `iteration ${iterations}: ${String(error)}`);
      iterations++;
    }
    assert.ok(iterations >= MIN_ITERATIONS, `only ${iterations} iterations`);
    t.diagnostic(`${iterations} mutated player sessions, ${played} media messages sent`);
    assert.ok(played > 0, 'some mutated sessions still play');
  });

  it(`RtmpClientSession never throws on mutated server replies, ends in onError or stays consistent (seed ${SEED + 3})`, (t) => {
    const random = new SeededRandom(SEED + 3);
    const corpus = serverReplyCorpus();
    const started = performance.now();
    let iterations = 0;
    let failures = 0;
    let published = 0;
    while (iterations < MIN_ITERATIONS || performance.now() - started < BUDGET_MS) {
      // Mostly keep S0+S1+S2 intact so mutations reach the chunk, AMF and command layers.
      const input = mutate(random, corpus, random.int(0, 3) === 0 ? 0 : HANDSHAKE_BYTES);
      const reads = slices(input, random);
      const run = runClientOnReplies(reads, random.int(0, 4) === 0 ? random.int(1, reads.length) : undefined);
      assert.deepEqual(run.violations, [], `iteration ${iterations}`);
      failures += run.errors.length;
      if (run.published) published++;
      iterations++;
    }
    assert.ok(iterations >= MIN_ITERATIONS, `only ${iterations} iterations`);
    t.diagnostic(`${iterations} mutated reply streams, ${failures} errors, ${published} reached publishing`);
    assert.ok(failures > 0, 'the mutations should break some sessions');
    assert.ok(published > 0, 'some mutations should leave the publish intact');
  });
});
