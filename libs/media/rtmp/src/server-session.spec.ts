import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmfEcmaArray, encodeAmf0, encodeAmf3 } from '@rapidrtmp/amf';
import {
  MessageType,
  RtmpServerSession,
  userControlMessage,
  windowAckSizeMessage,
  type RtmpMediaMessage,
  type RtmpPublishRequest,
  type RtmpServerSessionOptions,
  type RtmpUnpublishReason,
} from './index.js';
import { ServerOutput, TestClient } from './testing/rtmp-test-peer.js';

/** A session wired to recorders, as a host would wire it to a socket. */
function harness(options: RtmpServerSessionOptions & { autoAccept?: boolean } = {}) {
  const out = new ServerOutput();
  const events = {
    connects: [] as unknown[],
    publishes: [] as RtmpPublishRequest[],
    metadata: [] as unknown[],
    media: [] as RtmpMediaMessage[],
    unpublishes: [] as RtmpUnpublishReason[],
    errors: [] as { code: string }[],
    data: [] as string[],
  };
  const session: RtmpServerSession = new RtmpServerSession(
    {
      send: (bytes) => out.push(bytes),
      onConnect: (info) => events.connects.push(info),
      onPublish: (request) => {
        events.publishes.push(request);
        if (options.autoAccept) session.acceptPublish(request.streamId);
      },
      onMetadata: (metadata) => events.metadata.push(metadata),
      onMedia: (media) => events.media.push(media),
      onUnpublish: (reason) => events.unpublishes.push(reason),
      onProtocolError: (error) => events.errors.push(error),
      onData: (name) => events.data.push(name),
    },
    options,
  );
  return { session, out, events, client: new TestClient() };
}

const video = (client: TestClient, timestamp: number, body: number[], streamId = 1) =>
  client.message({
    typeId: MessageType.Video,
    chunkStreamId: 6,
    messageStreamId: streamId,
    timestamp,
    payload: Buffer.from(body),
  });

describe('RtmpServerSession', () => {
  it('answers connect with window, bandwidth, chunk size and _result (RTMP 7.2.1.1)', () => {
    const { session, out, events, client } = harness();
    session.receive(client.handshake());
    assert.equal(out.handshake.length, 1 + 2 * 1536);
    session.receive(
      client.command('connect', 1, {
        app: 'live?token=abc',
        tcUrl: 'rtmp://h/live',
        flashVer: 'FMLE/3.0',
        objectEncoding: 0,
      }),
    );
    assert.deepEqual(
      events.connects.map((c) => ({ ...(c as object), properties: undefined })),
      [
        {
          app: 'live',
          query: { token: 'abc' },
          tcUrl: 'rtmp://h/live',
          flashVer: 'FMLE/3.0',
          swfUrl: undefined,
          pageUrl: undefined,
          objectEncoding: 0,
          properties: undefined,
        },
      ],
    );
    const [ack, bandwidth, chunkSize, result] = out.take();
    assert.ok(ack);
    assert.ok(bandwidth);
    assert.ok(chunkSize);
    assert.deepEqual([ack.typeId, ack.payload.readUInt32BE(0)], [5, 2_500_000]);
    assert.deepEqual([bandwidth.typeId, bandwidth.payload.readUInt32BE(0), bandwidth.payload[4]], [6, 2_500_000, 2]);
    assert.deepEqual([chunkSize.typeId, chunkSize.payload.readUInt32BE(0)], [1, 4096]);
    assert.deepEqual(result!.values, [
      '_result',
      1,
      { fmsVer: 'FMS/3,0,1,123', capabilities: 31 },
      {
        level: 'status',
        code: 'NetConnection.Connect.Success',
        description: 'Connection succeeded.',
        objectEncoding: 0,
      },
    ]);
  });

  it('runs the ffmpeg/OBS publish flow; the host accepts asynchronously; early media is dropped', () => {
    const { session, out, events, client } = harness();
    session.receive(client.publishSequence('testkey?token=s3cret'));
    out.take();
    assert.deepEqual(events.publishes, [
      { app: 'live', streamName: 'testkey', query: { token: 's3cret' }, publishType: 'live', streamId: 1 },
    ]);
    session.receive(video(client, 0, [0x17, 0, 0, 0, 0]));
    assert.equal(events.media.length, 0);

    assert.equal(session.acceptPublish(1), true);
    assert.equal(session.acceptPublish(1), false);
    const [begin, status] = out.take();
    assert.ok(begin);
    assert.ok(status);
    assert.deepEqual([begin.typeId, [...begin.payload]], [4, [0, 0, 0, 0, 0, 1]]);
    assert.deepEqual(
      [status.messageStreamId, status.values?.[0], (status.values?.[3] as { code: string }).code],
      [1, 'onStatus', 'NetStream.Publish.Start'],
    );

    session.receive(video(client, 40, [0x17, 1, 0, 0, 0, 9]));
    session.receive(
      client.message({
        typeId: MessageType.Audio,
        chunkStreamId: 4,
        messageStreamId: 1,
        timestamp: 23,
        payload: Buffer.of(0xaf, 1, 7),
      }),
    );
    assert.deepEqual(
      events.media.map((m) => [m.kind, m.timestamp, m.payload.length, m.streamId]),
      [
        ['video', 40, 6, 1],
        ['audio', 23, 3, 1],
      ],
    );
  });

  it('extends media timestamps past 2^24 (extended timestamps) and past the 2^32 wrap', () => {
    const body = [0x27, 1, ...new Array(300).fill(0)]; // several chunks, each repeating the extended field
    for (const [sent, expected] of [
      [
        [0xfffff0, 0x1000010, 0x1000030],
        [0xfffff0, 0x1000010, 0x1000030],
      ],
      [
        [0xffffffd0, 0xfffffff0, 0x10],
        [0xffffffd0, 0xfffffff0, 0x1_0000_0010],
      ],
    ]) {
      const { session, events, client } = harness({ autoAccept: true });
      session.receive(client.publishSequence());
      for (const timestamp of sent!) session.receive(video(client, timestamp, body));
      assert.deepEqual(
        events.media.map((m) => m.timestamp),
        expected,
      );
      assert.ok(events.media.every((m) => m.payload.length === body.length));
    }
  });

  it('replies to releaseStream, FCPublish and createStream as FMS does', () => {
    const { session, out, client } = harness();
    session.receive(client.publishSequence());
    const replies = out
      .take()
      .filter((m) => m.values)
      .map((m) => [m.values![0], m.values![1], m.values![3]]);
    assert.deepEqual(replies.slice(1), [
      ['_result', 2, undefined],
      ['_result', 3, undefined],
      ['onFCPublish', 0, { level: 'status', code: 'NetStream.Publish.Start', description: 'FCPublish' }],
      ['_result', 4, 1],
    ]);
  });

  it('delivers metadata from @setDataFrame and bare onMetaData, and other data by name', () => {
    const { session, events, client } = harness({ autoAccept: true });
    session.receive(client.publishSequence());
    const data = (payload: Buffer, typeId: number = MessageType.DataAmf0) =>
      client.message({ typeId, chunkStreamId: 4, messageStreamId: 1, payload });
    session.receive(data(encodeAmf0('@setDataFrame', 'onMetaData', AmfEcmaArray.from({ width: 320, height: 240 }))));
    session.receive(data(encodeAmf0('onMetaData', { width: 640 })));
    session.receive(
      data(
        Buffer.concat([Buffer.of(0), encodeAmf0('onMetaData'), Buffer.of(0x11), encodeAmf3({ width: 1280 })]),
        MessageType.DataAmf3,
      ),
    );
    session.receive(data(encodeAmf0('onTextData', { text: 'hi' })));
    session.receive(data(Buffer.of(0x02, 0x00, 0x10))); // truncated: dropped, not fatal
    assert.deepEqual(events.metadata, [{ width: 320, height: 240 }, { width: 640 }, { width: 1280 }]);
    assert.deepEqual(events.data, ['onTextData']);
    assert.equal(events.errors.length, 0);
  });

  it('rejects a publish with the host-chosen onStatus error', () => {
    const { session, out, events, client } = harness();
    session.receive(client.publishSequence());
    out.take();
    assert.equal(session.rejectPublish(1, 'NetStream.Publish.BadName', 'Unknown stream key.'), true);
    const [status] = out.take();
    assert.deepEqual(status!.values?.[3], {
      level: 'error',
      code: 'NetStream.Publish.BadName',
      description: 'Unknown stream key.',
    });
    session.receive(video(client, 0, [0x17, 0]));
    assert.equal(events.media.length, 0);
    assert.equal(session.acceptPublish(1), false);
  });

  it('answers unknown commands with _error only when they carry a transaction id', () => {
    const { session, out, client } = harness();
    session.receive(client.publishSequence());
    out.take();
    session.receive(client.command('getStreamLength', 6, null, ['testkey']));
    session.receive(client.command('_checkbw', 0, null));
    session.receive(client.command('ping', 7, null));
    assert.deepEqual(
      out.take().map((m) => [m.values?.[0], m.values?.[1]]),
      [
        ['_error', 6],
        ['_error', 7],
      ],
    );
  });

  it('refuses publish on an unknown stream, and a second publish on the connection', () => {
    const { session, out, events, client } = harness({ autoAccept: true });
    session.receive(Buffer.concat([client.handshake(), client.command('connect', 1, { app: 'live' })]));
    out.take();
    session.receive(client.command('publish', 0, null, ['k'], 1));
    session.receive(client.command('createStream', 2, null));
    session.receive(client.command('createStream', 3, null));
    session.receive(client.command('publish', 0, null, ['k'], 1));
    session.receive(client.command('publish', 0, null, ['k2'], 2));
    const codes = out
      .take()
      .filter((m) => m.values?.[0] === 'onStatus')
      .map((m) => (m.values![3] as { code: string }).code);
    assert.deepEqual(codes, [
      'NetStream.Publish.BadName',
      'NetStream.Publish.Start',
      'NetStream.Publish.BadConnection',
    ]);
    assert.equal(events.publishes.length, 1);
  });

  it('handles an AMF3 client (objectEncoding 3, command type 17)', () => {
    const { session, out, events, client } = harness();
    session.receive(client.handshake());
    const values = Buffer.concat([
      encodeAmf0('connect', 1),
      Buffer.of(0x11),
      encodeAmf3({ app: 'live', objectEncoding: 3 }),
    ]);
    session.receive(client.amf3Command(values));
    assert.equal((events.connects[0] as { objectEncoding: number }).objectEncoding, 3);
    const result = out.take().at(-1)!;
    assert.equal((result.values?.[3] as { objectEncoding: number }).objectEncoding, 3);
    session.receive(client.amf3Command(encodeAmf0('createStream', 2, null)));
    assert.deepEqual(out.take()[0]!.values, ['_result', 2, null, 1]);
  });

  it('answers Ping Request with Ping Response', () => {
    const { session, out, client } = harness();
    session.receive(client.handshake());
    session.receive(client.message(userControlMessage({ event: 'ping-request', timestamp: 4242 })));
    const [pong] = out.take();
    assert.deepEqual([...pong!.payload], [0, 7, 0, 0, 0x10, 0x92]);
  });

  it('acknowledges each window of received bytes once the peer set one (RTMP 5.4.3)', () => {
    const { session, out, client } = harness({ autoAccept: true });
    session.receive(client.publishSequence());
    session.receive(client.message(windowAckSizeMessage(1000)));
    out.take();
    let sent = 0;
    for (let i = 0; i < 30; i++) {
      const bytes = video(client, i * 33, [0x27, 1, ...new Array(100).fill(0)]);
      sent += bytes.length;
      session.receive(bytes);
    }
    const acks = out.take().filter((m) => m.typeId === MessageType.Acknowledgement);
    assert.equal(acks.length, 3);
    assert.ok(acks.every((ack, i) => ack.payload.readUInt32BE(0) >= 1000 * (i + 1)));
    assert.ok(sent > 3000 && sent < 4000);
  });

  it('splits aggregate messages into media with rebased timestamps', () => {
    const { session, events, client } = harness({ autoAccept: true });
    session.receive(client.publishSequence());
    const tag = (type: number, ts: number, body: number[]) => {
      const header = Buffer.alloc(11);
      header[0] = type;
      header.writeUIntBE(body.length, 1, 3);
      header.writeUIntBE(ts, 4, 3);
      return Buffer.concat([header, Buffer.from(body), Buffer.alloc(4)]);
    };
    const payload = Buffer.concat([tag(9, 100, [0x17, 1]), tag(8, 110, [0xaf, 1]), tag(9, 133, [0x27, 1])]);
    session.receive(
      client.message({ typeId: MessageType.Aggregate, chunkStreamId: 6, messageStreamId: 1, timestamp: 2000, payload }),
    );
    assert.deepEqual(
      events.media.map((m) => [m.kind, m.timestamp]),
      [
        ['video', 2000],
        ['audio', 2010],
        ['video', 2033],
      ],
    );
  });

  it('reports one unpublish for FCUnpublish + deleteStream', () => {
    const { session, out, events, client } = harness({ autoAccept: true });
    session.receive(client.publishSequence());
    out.take();
    session.receive(client.command('FCUnpublish', 6, null, ['testkey']));
    session.receive(client.command('deleteStream', 7, null, [1]));
    assert.deepEqual(events.unpublishes, ['FCUnpublish']);
    assert.ok(
      out.take().some((m) => (m.values?.[3] as { code?: string } | undefined)?.code === 'NetStream.Unpublish.Success'),
    );
    session.end();
    assert.deepEqual(events.unpublishes, ['FCUnpublish']);
  });

  it("ends the publish on deleteStream with a stream id, or with GStreamer's stream name", () => {
    for (const arg of [1, 'testkey']) {
      const { session, events, client } = harness({ autoAccept: true });
      session.receive(client.publishSequence());
      session.receive(client.command('deleteStream', 0, null, [arg]));
      assert.deepEqual(events.unpublishes, ['deleteStream'], `deleteStream(${arg})`);
    }
  });

  it('stop() tells the publisher, ends the publish and ignores further input', () => {
    const { session, out, events, client } = harness({ autoAccept: true });
    session.receive(client.publishSequence());
    out.take();
    session.stop('Stopped by a moderator.');
    const [status] = out.take();
    assert.deepEqual(status!.values?.[3], {
      level: 'status',
      code: 'NetStream.Unpublish.Success',
      description: 'Stopped by a moderator.',
    });
    assert.deepEqual(events.unpublishes, ['stopped']);
    session.receive(video(client, 0, [0x17, 0]));
    session.end();
    assert.equal(events.media.length, 0);
    assert.deepEqual(events.unpublishes, ['stopped']);
  });

  it('end() after an accepted publish reports a disconnect; before acceptance, nothing', () => {
    const accepted = harness({ autoAccept: true });
    accepted.session.receive(accepted.client.publishSequence());
    accepted.session.end();
    accepted.session.end();
    assert.deepEqual(accepted.events.unpublishes, ['disconnected']);

    const pending = harness();
    pending.session.receive(pending.client.publishSequence());
    pending.session.end();
    assert.deepEqual(pending.events.unpublishes, []);
    assert.equal(pending.session.acceptPublish(1), false);
  });

  it('reports a protocol error once, ends the publish and ignores what follows', () => {
    const { session, events, client } = harness({ autoAccept: true, maxMessageSize: 1000 });
    session.receive(client.publishSequence());
    session.receive(video(client, 0, new Array(1001).fill(0)));
    session.receive(video(client, 0, [0x17, 0]));
    assert.deepEqual(
      events.errors.map((e) => e.code),
      ['message-too-large'],
    );
    assert.deepEqual(events.unpublishes, ['protocol-error']);
    assert.equal(session.isClosed, true);

    const wrongVersion = harness();
    wrongVersion.session.receive(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    assert.deepEqual(
      wrongVersion.events.errors.map((e) => e.code),
      ['handshake-version'],
    );
  });

  it('closes on a Set Chunk Size of 0 or under minChunkSize (default 64), and honours the option', () => {
    for (const size of [0, 1, 63]) {
      const { session, events, client } = harness({ autoAccept: true });
      session.receive(client.publishSequence());
      assert.equal(events.publishes.length, 1);
      // Written by hand: our own ChunkWriter refuses to switch to size 0.
      const payload = Buffer.alloc(4);
      payload.writeUInt32BE(size);
      session.receive(client.message({ typeId: MessageType.SetChunkSize, chunkStreamId: 2, payload }));
      assert.deepEqual(
        events.errors.map((e) => e.code),
        ['chunk-size-invalid'],
        `size ${size}`,
      );
      assert.deepEqual(events.unpublishes, ['protocol-error']);
      assert.equal(session.isClosed, true);
    }
    const lenient = harness({ autoAccept: true, minChunkSize: 1 });
    lenient.session.receive(lenient.client.publishSequence());
    lenient.session.receive(lenient.client.setChunkSize(1));
    lenient.session.receive(video(lenient.client, 0, [0x17, 0, 0, 0, 0]));
    assert.deepEqual(lenient.events.errors, []);
    assert.equal(lenient.events.media.length, 1, 'a 5-byte message in 1-byte chunks still arrives');
    const strict = harness({ minChunkSize: 4096 });
    strict.session.receive(strict.client.handshake());
    strict.session.receive(strict.client.setChunkSize(1024));
    assert.deepEqual(
      strict.events.errors.map((e) => e.code),
      ['chunk-size-invalid'],
    );
  });

  it('rejects commands before connect and a second connect', () => {
    const { session, out, events, client } = harness();
    session.receive(client.handshake());
    session.receive(client.command('createStream', 2, null));
    session.receive(client.command('connect', 1, { app: 'live' }));
    session.receive(client.command('connect', 3, { app: 'other' }));
    const names = out
      .take()
      .filter((m) => m.values)
      .map((m) => m.values!.slice(0, 2));
    assert.deepEqual(names, [
      ['_error', 2],
      ['_result', 1],
      ['_error', 3],
    ]);
    assert.equal(events.connects.length, 1);
  });
});
