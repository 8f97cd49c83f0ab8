import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAmf0 } from '@rapidrtmp/amf';
import {
  ChunkWriter,
  commandMessage,
  MessageType,
  RtmpClientError,
  RtmpClientSession,
  RtmpProtocolError,
  RtmpServerSession,
  statusInfo,
  userControlMessage,
  windowAckSizeMessage,
  type RtmpClientOptions,
  type RtmpMessage,
  type RtmpStatus,
} from './index.js';
import { ClientServerPair, PAIR_CLIENT_OPTIONS } from './testing/client-server-pair.js';
import { ServerOutput } from './testing/rtmp-test-peer.js';

const TWO_POW_32 = 0x1_0000_0000;
/** 24-bit field limit, the 2^32 wrap and beyond, in steps under 2^31 (the server extends them back). */
const TIMESTAMPS = [
  0,
  33,
  0xfffffe,
  0xffffff,
  0x1000000,
  0x1000021,
  0x7fff0000,
  0xf0000000,
  0xfffffff0,
  TWO_POW_32,
  TWO_POW_32 + 0x1000021,
];

const videoBody = (index: number, size: number): Buffer[] => [
  Buffer.of(index === 0 ? 0x17 : 0x27, 0x01, 0, 0, 0x21), // AVC NALU, composition time 33
  Buffer.alloc(size, index & 0xff),
];

function publishingPair(options: ConstructorParameters<typeof ClientServerPair>[0] = {}): ClientServerPair {
  const pair = new ClientServerPair(options).start();
  assert.equal(pair.client.publishing, true, `not publishing: ${pair.events.clientErrors.join(', ')}`);
  return pair;
}

/** A scripted server for replies the repo's server never sends: handshake, then chunked messages. */
class ScriptedServer {
  readonly errors: RtmpClientError[] = [];
  readonly statuses: string[] = [];
  readonly statusInfos: RtmpStatus[] = [];
  readonly sent = new ServerOutput();
  readonly client: RtmpClientSession;
  closed = 0;
  private readonly writer = new ChunkWriter();

  constructor(options: Partial<RtmpClientOptions> = {}) {
    this.client = new RtmpClientSession(
      {
        send: (bytes) => this.sent.push(bytes),
        onPublishing: () => this.statuses.push('publishing'),
        onStatus: (status) => {
          this.statuses.push(status.code);
          this.statusInfos.push(status);
        },
        onError: (error) => this.errors.push(error),
        onClosed: () => this.closed++,
      },
      { ...PAIR_CLIENT_OPTIONS, ...options },
    );
    this.client.start();
    this.client.receive(Buffer.concat([Buffer.of(3), Buffer.alloc(1536, 1), Buffer.alloc(1536, 2)]));
  }

  reply(...messages: RtmpMessage[]): this {
    for (const message of messages) this.client.receive(this.writer.write(message));
    return this;
  }

  result(transactionId: number, ...args: Parameters<typeof encodeAmf0>): this {
    return this.reply(commandMessage(3, 0, '_result', transactionId, null, ...args));
  }

  error(transactionId: number, code: string, description: string): this {
    return this.reply(commandMessage(3, 0, '_error', transactionId, null, statusInfo('error', code, description)));
  }

  status(level: 'status' | 'error' | 'warning', code: string, description: string, streamId = 1): this {
    return this.reply(commandMessage(5, streamId, 'onStatus', 0, null, statusInfo(level, code, description)));
  }

  /** connect `_result`, createStream `_result` (stream 1), publish start. */
  toPublishing(): this {
    return this.result(1, statusInfo('status', 'NetConnection.Connect.Success', 'ok'))
      .result(4, 1)
      .status('status', 'NetStream.Publish.Start', 'go');
  }

  commands(): string[] {
    return this.sent.commandNames();
  }
}

describe('RtmpClientSession against RtmpServerSession', () => {
  it('runs the OBS/ffmpeg publish flow; the server sees app, tcUrl, stream name and query', () => {
    const pair = new ClientServerPair({ decide: () => 'pending' }).start();
    const { events, client } = pair;
    assert.equal(client.phase, 'publish-pending');
    assert.deepEqual(events.serverCommands, ['connect', 'releaseStream', 'FCPublish', 'createStream', 'publish']);
    const [connect] = events.connects;
    assert.equal(connect?.app, 'live');
    assert.equal(connect?.tcUrl, 'rtmp://127.0.0.1/live');
    assert.equal(connect?.flashVer, 'FMLE/3.0 (compatible; RapidRTMP)');
    assert.deepEqual(
      [connect?.properties.type, connect?.properties.fpad, connect?.properties.capabilities, connect?.objectEncoding],
      ['nonprivate', false, 15, 0],
    );
    assert.deepEqual(events.publishes, [
      { app: 'live', streamName: 'secret-key', query: { token: 'abc' }, publishType: 'live', streamId: 1 },
    ]);
    assert.equal(events.publishing, 0, 'not publishing before the server accepts');
    assert.throws(
      () => client.sendVideo(0, Buffer.of(0x17, 0)),
      (e) => e instanceof RtmpClientError,
    );

    pair.server.acceptPublish(1);
    pair.pump();
    assert.equal(events.publishing, 1);
    assert.equal(client.publishing, true);
    assert.ok(events.statuses.some((s) => s.code === 'NetStream.Publish.Start' && s.level === 'status'));
    assert.deepEqual(events.serverErrors, []);
    assert.equal(client.bytesSent, Buffer.concat(pair.clientBytes).length);
  });

  it('delivers audio, video and metadata with their timestamps past 2^24 and the 2^32 wrap', () => {
    const pair = publishingPair();
    const sent: { kind: string; timestamp: number; payload: Buffer }[] = [];
    pair.client.sendMetadata({ width: 640, height: 360, videocodecid: 7, encoder: 'RapidRTMP' });
    TIMESTAMPS.forEach((timestamp, index) => {
      const video = videoBody(index, 5000 + index); // several 4096-byte chunks: type-3 continuations
      pair.client.sendVideo(timestamp, video);
      sent.push({ kind: 'video', timestamp, payload: Buffer.concat(video) });
      const audio = Buffer.from([0xaf, 0x01, index, 1, 2, 3]);
      pair.client.sendAudio(timestamp, audio);
      sent.push({ kind: 'audio', timestamp, payload: audio });
    });
    pair.pump();
    assert.deepEqual(
      pair.events.media.map((m) => ({ kind: m.kind, timestamp: m.timestamp, payload: m.payload })),
      sent,
    );
    assert.deepEqual(pair.events.metadata, [{ width: 640, height: 360, videocodecid: 7, encoder: 'RapidRTMP' }]);
    assert.deepEqual(pair.events.serverErrors, []);
    // A value AMF cannot carry is the caller's bug (TypeError), not a server failure; the session goes on.
    assert.throws(() => pair.client.sendMetadata({ bad: () => 1 }), TypeError);
    assert.equal(pair.client.publishing, true);
  });

  it('sends payload buffers as views, not copies', () => {
    const pair = publishingPair({ client: { outgoingChunkSize: 128 } });
    const payload = Buffer.alloc(1000, 9);
    pair.clientParts.length = 0;
    pair.client.sendVideo(40, [Buffer.of(0x27, 1, 0, 0, 0), payload]);
    const views = pair.clientParts.filter((part) => part.buffer === payload.buffer);
    assert.equal(
      views.reduce((sum, view) => sum + view.length, 0),
      payload.length,
    );
    assert.ok(views.length >= 8, `${views.length} views of a 1000-byte payload in 128-byte chunks`);
  });

  it('works at any outgoing and incoming chunk size', () => {
    for (const clientChunk of [64, 100, 128, 4096, 65_536, 0x7fffffff]) {
      for (const serverChunk of [128, 4096, 60_000]) {
        const pair = publishingPair({
          client: { outgoingChunkSize: clientChunk },
          server: { outgoingChunkSize: serverChunk },
          readSize: 1000,
        });
        const body = videoBody(0, 70_000);
        pair.client.sendVideo(0xffffff + 5, body);
        pair.pump();
        assert.deepEqual(
          pair.events.media.map((m) => [m.timestamp, m.payload]),
          [[0xffffff + 5, Buffer.concat(body)]],
          `client chunk ${clientChunk}, server chunk ${serverChunk}`,
        );
      }
    }
  });

  it('reports a refused publish with the server code, never the stream key', () => {
    const pair = new ClientServerPair({
      decide: (request) => ({
        code: 'NetStream.Publish.BadName',
        description: `Key ${request.streamName} is unknown.`,
      }),
    }).start();
    const [error, ...more] = pair.events.clientErrors;
    assert.equal(more.length, 0);
    assert.ok(error instanceof RtmpClientError);
    assert.equal(error.code, 'publish-rejected');
    assert.equal(error.statusCode, 'NetStream.Publish.BadName');
    assert.equal(error.status?.level, 'error');
    assert.doesNotMatch(error.message, /secret-key|abc/);
    assert.match(error.message, /NetStream\.Publish\.BadName \(Key <stream key> is unknown\.\)/);
    assert.doesNotMatch(JSON.stringify(pair.events.statuses), /secret-key/);
    assert.equal(pair.client.isClosed, true);
    assert.equal(pair.events.closed, 1);
    assert.equal(pair.events.publishing, 0);
  });

  it('close() sends FCUnpublish and deleteStream; the server ends the publish; idempotent', () => {
    const pair = publishingPair();
    pair.client.close();
    pair.client.close();
    pair.pump();
    assert.deepEqual(pair.events.serverCommands.slice(-2), ['FCUnpublish', 'deleteStream']);
    assert.deepEqual(pair.events.unpublishes, ['FCUnpublish']);
    assert.equal(pair.events.closed, 1);
    assert.equal(pair.client.publishing, false);
    assert.throws(
      () => pair.client.sendAudio(0, Buffer.of(0xaf, 1)),
      (e) => e instanceof RtmpClientError && e.code === 'not-publishing',
    );
    // Closing before a stream exists sends nothing.
    const early = new ClientServerPair();
    early.client.start();
    early.client.close();
    assert.equal(early.clientBytes.length, 1, 'only C0+C1');
    assert.equal(early.events.closed, 1);
  });

  it('treats the server ending the stream as fatal (publish-ended)', () => {
    const pair = publishingPair();
    pair.server.stop('Stopped by a moderator.');
    pair.pump();
    assert.deepEqual(
      pair.events.clientErrors.map((e) => [e.code, e.statusCode]),
      [['publish-ended', 'NetStream.Unpublish.Success']],
    );
    assert.equal(pair.events.closed, 1);
  });

  it('acknowledges the server window (RTMP 5.4.3)', () => {
    const pair = publishingPair({ server: { windowAckSize: 100 } });
    const sent = new ServerOutput();
    for (const bytes of pair.clientBytes) sent.push(bytes);
    const acks = sent.messages.filter((m) => m.typeId === MessageType.Acknowledgement);
    assert.ok(acks.length >= 1, 'at least one Acknowledgement');
    const received = Buffer.concat(pair.serverBytes).length - 1 - 2 * 1536;
    for (const ack of acks) assert.ok(ack.payload.readUInt32BE(0) <= received);
  });

  it('reaches the same state whatever the read boundaries, both ways', () => {
    const reference = publishingPair({ client: { outgoingChunkSize: 128 } });
    reference.client.sendVideo(0x1000000, videoBody(0, 300));
    reference.pump();
    const fromServer = Buffer.concat(reference.serverBytes);
    const fromClient = Buffer.concat(reference.clientBytes);

    // Server -> client: two reads split at every offset, then byte by byte.
    for (let split = 0; split <= fromServer.length; split++) {
      const out: Buffer[] = [];
      const statuses: string[] = [];
      const client = new RtmpClientSession(
        {
          send: (bytes) => out.push(...(Array.isArray(bytes) ? bytes : [bytes])),
          onPublishing: () => statuses.push('publishing'),
          onError: (error) => assert.fail(`split ${split}: ${error.message}`),
        },
        { ...PAIR_CLIENT_OPTIONS, outgoingChunkSize: 128 },
      );
      client.start();
      if (split === fromServer.length) {
        for (let at = 0; at < fromServer.length; at++) client.receive(fromServer.subarray(at, at + 1));
      } else {
        client.receive(fromServer.subarray(0, split));
        client.receive(fromServer.subarray(split));
      }
      assert.deepEqual(statuses, ['publishing'], `split ${split}`);
      const sent = Buffer.concat(out);
      assert.ok(sent.equals(fromClient.subarray(0, sent.length)), `split ${split}: the same bytes as the reference`);
    }

    // Client -> server: the server sees the same publish and media at every split.
    for (let split = 0; split <= fromClient.length; split += 1) {
      const media: number[] = [];
      const server: RtmpServerSession = new RtmpServerSession({
        send: () => undefined,
        onPublish: (request) => server.acceptPublish(request.streamId),
        onMedia: (message) => media.push(message.timestamp, message.payload.length),
        onProtocolError: (error) => assert.fail(`split ${split}: ${error.message}`),
      });
      server.receive(fromClient.subarray(0, split));
      server.receive(fromClient.subarray(split));
      assert.deepEqual(media, [0x1000000, 305], `split ${split}`);
    }
  });
});

describe('RtmpClientSession against scripted replies', () => {
  it('answers Ping Request with Ping Response and ignores what a publisher does not need', () => {
    const server = new ScriptedServer().toPublishing();
    server.reply(
      userControlMessage({ event: 'ping-request', timestamp: 123456 }),
      {
        chunkStreamId: 5,
        typeId: MessageType.DataAmf0,
        messageStreamId: 1,
        timestamp: 0,
        payload: encodeAmf0('|RtmpSampleAccess', false, false),
      },
      commandMessage(3, 0, 'onBWDone', 0, null),
      commandMessage(3, 0, '_result', 99, null), // unknown transaction
      commandMessage(3, 0, '_error', 2, null, statusInfo('error', 'NetConnection.Call.Failed', 'releaseStream?')),
    );
    const pong = server.sent.messages.find((m) => m.typeId === MessageType.UserControl);
    assert.ok(pong, 'a user control message went out');
    assert.deepEqual([pong.payload.readUInt16BE(0), pong.payload.readUInt32BE(2)], [7, 123456]);
    assert.deepEqual(server.errors, []);
    assert.equal(server.client.publishing, true);
  });

  it('sends an Acknowledgement for each window the server set', () => {
    const server = new ScriptedServer();
    server.reply(windowAckSizeMessage(50));
    server.result(1, statusInfo('status', 'NetConnection.Connect.Success', 'x'.repeat(60)));
    const acks = server.sent.messages.filter((m) => m.typeId === MessageType.Acknowledgement);
    assert.equal(acks.length, 1);
  });

  it('fails on a refused connect (_error or onStatus) with the code', () => {
    const viaError = new ScriptedServer().error(1, 'NetConnection.Connect.Rejected', 'No such app.');
    assert.deepEqual(
      viaError.errors.map((e) => [e.code, e.statusCode]),
      [['connect-rejected', 'NetConnection.Connect.Rejected']],
    );
    assert.equal(viaError.closed, 1);
    const viaStatus = new ScriptedServer().status('error', 'NetConnection.Connect.Rejected', 'Bad auth.', 0);
    assert.deepEqual(
      viaStatus.errors.map((e) => e.code),
      ['connect-rejected'],
    );
    assert.deepEqual(viaStatus.commands(), ['connect'], 'nothing after the refusal');
  });

  it('fails when createStream is refused or answers no usable stream id', () => {
    for (const answer of ['1', -1, 0, 1.5, TWO_POW_32, null]) {
      const server = new ScriptedServer().result(1, null).result(4, answer);
      assert.deepEqual(
        server.errors.map((e) => e.code),
        ['create-stream-failed'],
        String(answer),
      );
    }
    const refused = new ScriptedServer().result(1, null).error(4, 'NetConnection.Call.Failed', 'Too many.');
    assert.deepEqual(
      refused.errors.map((e) => e.code),
      ['create-stream-failed'],
    );
  });

  it('fails when publish is answered with _error', () => {
    const server = new ScriptedServer().result(1, null).result(4, 1).error(5, 'NetStream.Publish.Denied', 'no');
    assert.deepEqual(
      server.errors.map((e) => [e.code, e.statusCode]),
      [['publish-rejected', 'NetStream.Publish.Denied']],
    );
  });

  it('publishes on the stream id the server chose, with the key, and deletes that stream on close', () => {
    const server = new ScriptedServer().result(1, null).result(4, 7).status('status', 'NetStream.Publish.Start', '', 7);
    server.client.sendAudio(1, Buffer.of(0xaf, 0));
    server.client.close();
    const byName = (name: string) => server.sent.messages.find((m) => m.values?.[0] === name);
    assert.equal(byName('publish')?.messageStreamId, 7);
    assert.deepEqual(byName('publish')?.values?.slice(3), ['secret-key?token=abc', 'live']);
    assert.equal(server.sent.messages.find((m) => m.typeId === MessageType.Audio)?.messageStreamId, 7);
    assert.deepEqual(byName('deleteStream')?.values?.slice(3), [7]);
    assert.deepEqual(server.commands(), [
      'connect',
      'releaseStream',
      'FCPublish',
      'createStream',
      'publish',
      'FCUnpublish',
      'deleteStream',
    ]);
  });

  it('fails with a typed protocol error on a wrong S0, a too-large message or a bad chunk size', () => {
    const wrongVersion = new RtmpClientSession(
      { send: () => undefined, onPublishing: () => undefined, onError: (e) => errors.push(e) },
      PAIR_CLIENT_OPTIONS,
    );
    const errors: RtmpClientError[] = [];
    wrongVersion.start();
    wrongVersion.receive(Buffer.from('HTTP/1.1 400 Bad Request\r\n'));
    assert.equal(errors[0]?.code, 'protocol-error');
    assert.equal((errors[0]?.cause as RtmpProtocolError).code, 'handshake-version');

    const big = new ScriptedServer({ maxMessageSize: 1000 }).reply(
      commandMessage(3, 0, 'onBWDone', 0, null, 'x'.repeat(1200)),
    );
    assert.deepEqual(
      big.errors.map((e) => (e.cause as RtmpProtocolError).code),
      ['message-too-large'],
    );

    const tiny = new ScriptedServer().reply({
      chunkStreamId: 2,
      typeId: 1,
      messageStreamId: 0,
      timestamp: 0,
      payload: Buffer.of(0, 0, 0, 0),
    });
    assert.deepEqual(
      tiny.errors.map((e) => (e.cause as RtmpProtocolError).code),
      ['chunk-size-invalid'],
    );
    assert.equal(tiny.closed, 1);
    tiny.reply(commandMessage(3, 0, '_result', 1, null)); // ignored once closed
    assert.equal(tiny.errors.length, 1);
  });

  it('puts the 64-bit timeline on the wire modulo 2^32 (RTMP 5.3.1.2.1)', () => {
    const server = new ScriptedServer().toPublishing();
    for (const timestamp of [5 * TWO_POW_32 + 7, TWO_POW_32 - 1, -1, 12.9])
      server.client.sendVideo(timestamp, Buffer.of(0x27, 1));
    const video = server.sent.messages.filter((m) => m.typeId === MessageType.Video);
    assert.deepEqual(
      video.map((m) => m.timestamp),
      [7, TWO_POW_32 - 1, TWO_POW_32 - 1, 12],
    );
    assert.throws(() => server.client.sendVideo(Number.NaN, Buffer.of(0x27, 1)), RangeError);
  });

  it('bounds and redacts status text from the server', () => {
    const server = new ScriptedServer().toPublishing();
    server.status('warning', 'X'.repeat(1000), `stream secret-key?token=abc, ${'d'.repeat(2000)}`);
    const last = server.statusInfos.at(-1)!;
    assert.equal(last.level, 'warning');
    assert.equal(last.code.length, 128);
    assert.equal(last.description?.length, 512);
    assert.ok(last.description?.startsWith('stream <stream key>, ddd'));
    assert.equal(server.client.publishing, true, 'a warning is not fatal');
  });
});
