import { AmfError } from '@rapidrtmp/amf';
import { ChunkReader, decodeControlMessage, RtmpProtocolError, RtmpServerSession } from '@rapidrtmp/rtmp';
import { runClientOnReplies, serverReplyCorpus } from '@rapidrtmp/rtmp/testing';
import { corpusSeeds, mediaFixture } from '../fuzz-corpus.js';
import { check, type FuzzTarget } from '../fuzz-target.js';

const HANDSHAKE_BYTES = 1 + 2 * 1536;
const MAX_MESSAGE = 256 * 1024;
const MAX_PENDING = 1024 * 1024;
/** Unparsed input the reader may hold beyond partial messages: one chunk header plus the extended-timestamp peek. */
const HEADER_SLACK = 32;
/** Prefix lengths of the captures: the commands, then more and more media. */
const PREFIXES = [1_500, 3_000, 6_000, 12_000];

const captures = () => ['ffmpeg-h264-aac.bin', 'gstreamer-h264-aac.bin'].map((name) => mediaFixture('rtmp', name));

/** Slices as a socket would deliver them: sometimes byte by byte, sometimes all at once. */
function* slices(bytes: Buffer, sliceMax: number): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += sliceMax) yield bytes.subarray(at, at + sliceMax);
}

export const chunkReaderTarget: FuzzTarget = {
  name: 'chunk-reader',
  description: 'RTMP chunk stream reassembly (ChunkReader + control messages it applies), captures after the handshake',
  maxInputBytes: 16_000,
  seeds: () => [
    ...captures().flatMap((c) => PREFIXES.map((n) => c.subarray(HANDSHAKE_BYTES, HANDSHAKE_BYTES + n))),
    ...corpusSeeds('chunk-reader'),
  ],
  expected: (error) => error instanceof RtmpProtocolError,
  run(input, random) {
    const reader = new ChunkReader({ maxMessageSize: MAX_MESSAGE, maxPendingBytes: MAX_PENDING, maxChunkStreams: 16 });
    for (const slice of slices(input, random.pick([61, 128, 1500, 65_536]))) {
      for (const message of reader.push(slice)) {
        const control = decodeControlMessage(message.typeId, message.payload);
        if (control?.type === 'set-chunk-size') reader.setChunkSize(control.chunkSize);
        if (control?.type === 'abort') reader.abort(control.chunkStreamId);
      }
      check(reader.bufferedBytes <= MAX_PENDING + HEADER_SLACK, () => `${reader.bufferedBytes} bytes held`);
    }
  },
};

export const rtmpSessionTarget: FuzzTarget = {
  name: 'rtmp-session',
  description: 'RtmpServerSession: handshake, chunks, AMF commands, publish state machine, media callbacks',
  maxInputBytes: 20_000,
  seeds: () => [
    ...captures().flatMap((c) => PREFIXES.map((n) => c.subarray(0, HANDSHAKE_BYTES + n))),
    ...corpusSeeds('rtmp-session'),
  ],
  // receive() must never throw: protocol errors arrive through onProtocolError.
  expected: () => false,
  run(input, random) {
    const errors: unknown[] = [];
    const session: RtmpServerSession = new RtmpServerSession(
      {
        send: () => undefined,
        onPublish: (request) => session.acceptPublish(request.streamId),
        onProtocolError: (error) => errors.push(error),
      },
      {
        maxMessageSize: MAX_MESSAGE,
        maxPendingBytes: MAX_PENDING,
        maxChunkStreams: 16,
        randomBytes: (size) => Buffer.alloc(size, 7),
      },
    );
    for (const slice of slices(input, random.pick([61, 1460, 65_536]))) {
      session.receive(slice);
      check(session.bufferedBytes <= MAX_PENDING + HEADER_SLACK, () => `${session.bufferedBytes} bytes held`);
    }
    if (random.int(0, 1) === 0) session.stop();
    session.end();
    check(errors.length <= 1, () => `${errors.length} protocol errors reported for one session`);
    for (const error of errors) {
      check(error instanceof RtmpProtocolError || error instanceof AmfError, () => `untyped error ${String(error)}`);
    }
  },
};

export const rtmpClientTarget: FuzzTarget = {
  name: 'rtmp-client',
  description: "RtmpClientSession (restream publisher): the server's handshake, chunks, AMF replies, publish flow",
  maxInputBytes: 20_000,
  seeds: () => [...serverReplyCorpus(), ...corpusSeeds('rtmp-client')],
  // receive() must never throw: failures arrive through onError.
  expected: () => false,
  run(input, random) {
    const reads = [...slices(input, random.pick([61, 1460, 65_536]))];
    const closeAfter = random.int(0, 3) === 0 ? random.int(1, reads.length) : undefined;
    const { violations } = runClientOnReplies(reads, closeAfter);
    check(violations.length === 0, () => violations.join('; '));
  },
};
