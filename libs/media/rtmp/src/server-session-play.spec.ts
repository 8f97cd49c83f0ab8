import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeAmf0 } from '@rapidrtmp/amf';
import {
  MessageType,
  RtmpServerSession,
  type RtmpPlayRequest,
  type RtmpServerSessionOptions,
  type RtmpUnplayReason,
} from './index.js';
import { ServerOutput, TestClient, type DecodedServerMessage } from './testing/rtmp-test-peer.js';

/** A session wired as a player host would wire it; `accept` answers each play at once. */
function harness(options: RtmpServerSessionOptions & { accept?: boolean } = {}) {
  const out = new ServerOutput();
  const sent: Buffer[][] = [];
  const events = {
    plays: [] as RtmpPlayRequest[],
    pauses: [] as boolean[],
    unplays: [] as RtmpUnplayReason[],
    publishes: 0,
    errors: [] as { code: string }[],
  };
  const session: RtmpServerSession = new RtmpServerSession(
    {
      send: (bytes) => {
        sent.push(Array.isArray(bytes) ? bytes : [bytes]);
        out.push(bytes);
      },
      onPlay: (request) => {
        events.plays.push(request);
        if (options.accept) session.acceptPlay(request.streamId);
      },
      onPlayPause: (paused) => events.pauses.push(paused),
      onUnplay: (reason) => events.unplays.push(reason),
      onPublish: () => events.publishes++,
      onProtocolError: (error) => events.errors.push(error),
    },
    options,
  );
  return { session, out, sent, events, client: new TestClient() };
}

const statusCode = (m: DecodedServerMessage) => (m.values?.[3] as { code?: string } | undefined)?.code;
const statuses = (messages: DecodedServerMessage[]) =>
  messages.filter((m) => m.values?.[0] === 'onStatus').map((m) => [m.messageStreamId, statusCode(m)]);

describe('RtmpServerSession as a player host (play)', () => {
  it('hands the play name and token query to the host; accepting sends Stream Begin, Reset, Start and |RtmpSampleAccess', () => {
    const { session, out, events, client } = harness();
    session.receive(client.playSequence('abc123?token=1700000000.sig'));
    assert.deepEqual(events.plays, [
      { app: 'live', streamName: 'abc123', query: { token: '1700000000.sig' }, start: -2000, streamId: 1 },
    ]);
    const before = out.take();
    assert.deepEqual(
      before.filter((m) => m.values).map((m) => m.values!.slice(0, 2)),
      [
        ['_result', 1],
        ['_result', 2],
        ['_error', 3], // getStreamLength: ffmpeg logs a refusal for a live stream at debug level only
      ],
    );
    assert.equal(session.playing, false);
    assert.equal(session.sendPlayMedia('video', 0, Buffer.of(0x17, 1)), false, 'nothing goes out before acceptance');

    assert.equal(session.acceptPlay(1), true);
    assert.equal(session.acceptPlay(1), false);
    assert.equal(session.playing, true);
    const [begin, reset, start, access] = out.take();
    assert.deepEqual([begin!.typeId, [...begin!.payload]], [4, [0, 0, 0, 0, 0, 1]]);
    assert.deepEqual(statuses([reset!, start!]), [
      [1, 'NetStream.Play.Reset'],
      [1, 'NetStream.Play.Start'],
    ]);
    assert.deepEqual(
      [access!.typeId, access!.messageStreamId, access!.values],
      [18, 1, ['|RtmpSampleAccess', true, true]],
    );
  });

  it('sends audio, video and data on their chunk streams as header + payload views, chunked and timestamped mod 2^32', () => {
    const { session, out, sent, client } = harness({ accept: true, outgoingChunkSize: 128 });
    session.receive(client.playSequence('abc123'));
    out.take();
    sent.length = 0;
    const payload = Buffer.alloc(300, 7);
    const header = Buffer.of(0x27, 1, 0, 0, 0);
    const metadata = encodeAmf0('onMetaData', { width: 640 });
    assert.equal(session.sendPlayMedia('data', 5, [metadata]), true);
    assert.equal(session.sendPlayMedia('video', 0x1_0000_0000 + 40, [header, payload]), true);
    assert.equal(session.sendPlayMedia('audio', 0xffffff + 10, Buffer.of(0xaf, 1, 9)), true);
    const [data, video, audio] = out.take();
    assert.deepEqual(
      [data, video, audio].map((m) => [
        m!.typeId,
        m!.chunkStreamId,
        m!.messageStreamId,
        m!.timestamp,
        m!.payload.length,
      ]),
      [
        [MessageType.DataAmf0, 8, 1, 5, metadata.length],
        [MessageType.Video, 6, 1, 40, 305],
        [MessageType.Audio, 4, 1, 0xffffff + 10, 3],
      ],
    );
    assert.deepEqual(data!.values, ['onMetaData', { width: 640 }]);
    assert.deepEqual(video!.payload, Buffer.concat([header, payload]));
    // The video message went out as chunk headers and slices of the caller's buffers, never a joined copy.
    const videoParts = sent[1]!;
    const slices = videoParts.filter((part) => part.buffer === payload.buffer);
    assert.deepEqual(
      slices.map((part) => part.length),
      [123, 128, 49],
    );
    assert.ok(videoParts.includes(header));
  });

  it('refuses on the host’s word, and refuses a play without a name, on an unknown stream or a second play', () => {
    const refused = harness();
    refused.session.receive(refused.client.playSequence('nope'));
    refused.out.take();
    assert.equal(refused.session.rejectPlay(1, 'NetStream.Play.StreamNotFound', 'Not live.'), true);
    assert.deepEqual(statuses(refused.out.take()), [[1, 'NetStream.Play.StreamNotFound']]);
    assert.equal(refused.session.acceptPlay(1), false);
    assert.equal(refused.session.sendPlayMedia('video', 0, Buffer.of(0x17)), false);

    const { session, out, events, client } = harness({ accept: true });
    session.receive(Buffer.concat([client.handshake(), client.command('connect', 1, { app: 'live' })]));
    session.receive(client.command('play', 0, null, ['abc'], 1)); // no createStream yet
    session.receive(client.command('createStream', 2, null));
    session.receive(client.command('play', 0, null, [''], 1));
    session.receive(client.command('play', 0, null, ['abc'], 1));
    session.receive(client.command('play', 0, null, ['other'], 1));
    session.receive(client.command('publish', 0, null, ['key'], 1));
    assert.deepEqual(statuses(out.take()), [
      [1, 'NetStream.Play.StreamNotFound'],
      [1, 'NetStream.Play.StreamNotFound'],
      [1, 'NetStream.Play.Reset'],
      [1, 'NetStream.Play.Start'],
      [1, 'NetStream.Play.Failed'],
      [1, 'NetStream.Publish.BadConnection'],
    ]);
    assert.equal(events.plays.length, 1);
    assert.equal(events.publishes, 0, 'a player connection cannot publish');
  });

  it('refuses play on a publishing connection, and play on a host without playback', () => {
    const publishing = harness();
    publishing.session.receive(publishing.client.publishSequence());
    publishing.session.receive(publishing.client.command('createStream', 6, null));
    publishing.out.take();
    publishing.session.receive(publishing.client.command('play', 0, null, ['abc'], 2));
    assert.deepEqual(statuses(publishing.out.take()), [[2, 'NetStream.Play.Failed']]);
    assert.equal(publishing.events.plays.length, 0);

    const out = new ServerOutput();
    const client = new TestClient();
    const publishOnly = new RtmpServerSession({ send: (bytes) => out.push(bytes) });
    publishOnly.receive(client.playSequence('abc'));
    assert.deepEqual(statuses(out.take()), [[1, 'NetStream.Play.Failed']]);
  });

  it('pauses and unpauses (media dropped in between), ignores receiveAudio/receiveVideo', () => {
    const { session, out, events, client } = harness({ accept: true });
    session.receive(client.playSequence('abc'));
    out.take();
    session.receive(client.command('receiveAudio', 0, null, [false], 1));
    session.receive(client.command('receiveVideo', 0, null, [false], 1));
    assert.deepEqual(out.take(), [], 'no answer to receiveAudio/receiveVideo');
    session.receive(client.command('pause', 0, null, [true, 1234], 1));
    session.receive(client.command('pause', 0, null, [true, 1234], 1));
    assert.equal(session.playing, false);
    assert.equal(session.sendPlayMedia('video', 10, Buffer.of(0x27, 1)), false);
    session.receive(client.command('pause', 0, null, [false, 1234], 1));
    assert.equal(session.sendPlayMedia('video', 20, Buffer.of(0x17, 1)), true);
    const messages = out.take();
    assert.deepEqual(
      messages.map((m) => (m.typeId === 4 ? `uc${m.payload.readUInt16BE(0)}` : (statusCode(m) ?? m.typeId))),
      ['NetStream.Pause.Notify', 'uc1', 'uc0', 'NetStream.Unpause.Notify', MessageType.Video],
    );
    assert.deepEqual(events.pauses, [true, false]);
  });

  it('reports one unplay for closeStream or deleteStream, and for stop() or end() after acceptance only', () => {
    for (const [command, args, expected] of [
      ['closeStream', [], 'closeStream'],
      ['deleteStream', [1], 'deleteStream'],
    ] as const) {
      const { session, events, client } = harness({ accept: true });
      session.receive(client.playSequence('abc'));
      session.receive(client.command(command, 0, null, [...args], 1));
      session.receive(client.command('deleteStream', 0, null, [1]));
      session.end();
      assert.deepEqual(events.unplays, [expected]);
      assert.equal(session.sendPlayMedia('audio', 0, Buffer.of(0xaf, 1)), false);
    }

    const stopped = harness({ accept: true });
    stopped.session.receive(stopped.client.playSequence('abc'));
    stopped.out.take();
    stopped.session.stop('The stream ended.');
    stopped.session.end();
    const [eof, notify] = stopped.out.take();
    assert.deepEqual([eof!.typeId, [...eof!.payload]], [4, [0, 1, 0, 0, 0, 1]]);
    assert.deepEqual(statuses([notify!]), [[1, 'NetStream.Play.UnpublishNotify']]);
    assert.deepEqual(stopped.events.unplays, ['stopped']);

    const slow = harness({ accept: true });
    slow.session.receive(slow.client.playSequence('abc'));
    slow.out.take();
    slow.session.stop('Too slow.', 'NetStream.Play.Failed');
    assert.deepEqual(statuses(slow.out.take()), [[1, 'NetStream.Play.Failed']]);

    const pending = harness();
    pending.session.receive(pending.client.playSequence('abc'));
    pending.session.end();
    assert.deepEqual(pending.events.unplays, []);

    const dropped = harness({ accept: true });
    dropped.session.receive(dropped.client.playSequence('abc'));
    dropped.session.end();
    assert.deepEqual(dropped.events.unplays, ['disconnected']);
  });

  it('ends the play on a protocol error', () => {
    const { session, events, client } = harness({ accept: true, maxMessageSize: 1000 });
    session.receive(client.playSequence('abc'));
    session.receive(client.message({ typeId: MessageType.Video, chunkStreamId: 6, payload: Buffer.alloc(1001) }));
    assert.deepEqual(
      events.errors.map((e) => e.code),
      ['message-too-large'],
    );
    assert.deepEqual(events.unplays, ['protocol-error']);
  });
});
