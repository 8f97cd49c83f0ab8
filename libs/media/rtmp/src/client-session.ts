import { AmfEcmaArray, AmfError, encodeAmf0, toPlainObject, type AmfValue } from '@rapidrtmp/amf';
import { ChunkReader, type RtmpMessage } from './chunk-reader.js';
import { ChunkWriter, wireTimestamp, type OutgoingMessage } from './chunk-writer.js';
import { RtmpClientError, type RtmpClientErrorCode } from './client-error.js';
import { ClientHandshakeReceiver, createClientHello } from './client-handshake.js';
import type { RtmpClientListener, RtmpClientOptions, RtmpStatus } from './client-types.js';
import { commandMessage, decodeCommand, type RtmpCommand } from './command-codec.js';
import { setChunkSizeMessage } from './control-messages.js';
import { ChunkStreamId, MessageType } from './message-types.js';
import { PeerControl } from './peer-control.js';
import { RtmpProtocolError } from './rtmp-error.js';
import { splitQuery } from './stream-name.js';

const DEFAULT_FLASH_VER = 'FMLE/3.0 (compatible; RapidRTMP)';
const TWO_POW_32 = 0x1_0000_0000;
/** Transaction ids of our calls, in the order OBS and ffmpeg make them; each call is made once. */
const Txn = {
  connect: 1,
  releaseStream: 2,
  FCPublish: 3,
  createStream: 4,
  publish: 5,
  FCUnpublish: 6,
  deleteStream: 7,
};
/** Bounds for what the server's status strings may add to a log line. */
const MAX_STATUS_TEXT = { level: 32, code: 128, description: 512 } as const;
/** Parts of the stream key shorter than this are not redacted (they would garble every message). */
const MIN_SECRET_LENGTH = 3;

/** Where a client session is in the publish flow (RTMP 7.2.1.1, 7.2.1.3, 7.2.2.6). */
export type RtmpClientPhase =
  'idle' | 'handshake' | 'connecting' | 'creating-stream' | 'publish-pending' | 'publishing' | 'closed';

/**
 * The publishing side of an RTMP connection as a pure state machine: `start()`, then bytes from the
 * server in through `receive`, bytes to the server out through the listener. No sockets, no timers:
 * the host owns both (and the timeouts for each phase). Flow, as OBS and ffmpeg publish: C0+C1, S0+S1+S2,
 * C2 + Set Chunk Size + `connect`, `_result`, `releaseStream` + `FCPublish` + `createStream`,
 * `_result` with the stream id, `publish(name, 'live')`, `onStatus NetStream.Publish.Start`, media.
 */
export class RtmpClientSession {
  private readonly handshake = new ClientHandshakeReceiver();
  private readonly reader: ChunkReader;
  private readonly control: PeerControl;
  private readonly writer = new ChunkWriter();
  private readonly secrets: string[];
  private state: RtmpClientPhase = 'idle';
  private streamId = 0;
  private sent = 0;

  constructor(
    private readonly listener: RtmpClientListener,
    private readonly options: RtmpClientOptions,
  ) {
    const maxMessageSize = options.maxMessageSize ?? 1024 * 1024;
    this.reader = new ChunkReader({ maxMessageSize, maxPendingBytes: 2 * maxMessageSize, maxChunkStreams: 32 });
    this.control = new PeerControl(this.reader);
    const { name, query } = splitQuery(options.streamName);
    this.secrets = [options.streamName, name, ...Object.values(query)]
      .flatMap((secret) => [secret, encodeURIComponent(secret)])
      .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  get phase(): RtmpClientPhase {
    return this.state;
  }

  get publishing(): boolean {
    return this.state === 'publishing';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Bytes handed to `send` since `start()`: handshake, commands and media with their chunk headers. */
  get bytesSent(): number {
    return this.sent;
  }

  /** Bytes held for the server's partial messages (bounded by 2 x maxMessageSize plus a header). */
  get bufferedBytes(): number {
    return this.reader.bufferedBytes;
  }

  /** Sends C0+C1. Once; later calls do nothing. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'handshake';
    this.send([createClientHello(this.options.randomBytes)]);
  }

  /** Feed bytes from the socket. Never throws for bad input: see `onError`. Ignored before `start()` and once closed. */
  receive(bytes: Buffer): void {
    if (this.state === 'idle' || this.state === 'closed') return;
    try {
      let chunkBytes: Buffer | undefined = bytes;
      if (!this.handshake.done) {
        const { c2, rest } = this.handshake.push(bytes);
        if (c2) this.connect(c2);
        chunkBytes = rest;
      }
      if (!chunkBytes) return;
      const acknowledgement = this.control.receive(chunkBytes, (message) => {
        this.handleMessage(message);
        return !this.isClosed;
      });
      if (acknowledgement) this.sendMessages(acknowledgement);
    } catch (error) {
      if (!(error instanceof RtmpProtocolError || error instanceof AmfError)) throw error;
      this.fail('protocol-error', this.redact(error.message), undefined, error);
    }
  }

  /** One FLV audio tag body (header + data, possibly as several buffers, sent as views) at `timestamp` ms. */
  sendAudio(timestamp: number, body: Buffer | readonly Buffer[]): void {
    this.sendMedia(MessageType.Audio, ChunkStreamId.Audio, timestamp, body);
  }

  /** One FLV video tag body at `timestamp` ms (DTS; the composition time is in the body). */
  sendVideo(timestamp: number, body: Buffer | readonly Buffer[]): void {
    this.sendMedia(MessageType.Video, ChunkStreamId.Video, timestamp, body);
  }

  /**
   * `@setDataFrame onMetaData` with `metadata` as an ECMA array (AMF0), at timestamp 0 as ffmpeg sends it.
   * Throws a TypeError for values AMF cannot carry (functions, bigints, symbols): a caller's bug, kept
   * apart from the AmfError a server's bytes cause.
   */
  sendMetadata(metadata: Record<string, unknown>): void {
    this.requirePublishing();
    let payload: Buffer;
    try {
      payload = encodeAmf0('@setDataFrame', 'onMetaData', AmfEcmaArray.from(metadata as Record<string, AmfValue>));
    } catch (error) {
      if (error instanceof AmfError) throw new TypeError(`metadata: ${error.message}`, { cause: error });
      throw error;
    }
    this.sendMessages({
      chunkStreamId: ChunkStreamId.Data,
      typeId: MessageType.DataAmf0,
      messageStreamId: this.streamId,
      timestamp: 0,
      payload,
    });
  }

  /** Ends the session: FCUnpublish + deleteStream when a stream was published (or about to be), then closed. Idempotent. */
  close(): void {
    if (this.state === 'closed') return;
    if (this.state === 'publishing' || this.state === 'publish-pending') {
      this.sendMessages(
        commandMessage(ChunkStreamId.Command, 0, 'FCUnpublish', Txn.FCUnpublish, null, this.options.streamName),
        commandMessage(ChunkStreamId.Command, 0, 'deleteStream', Txn.deleteStream, null, this.streamId),
      );
    }
    this.finish();
  }

  /** The socket closed under us: closed without sending anything. Idempotent. */
  end(): void {
    if (this.state !== 'closed') this.finish();
  }

  private finish(): void {
    this.state = 'closed';
    this.listener.onClosed?.();
  }

  private fail(code: RtmpClientErrorCode, message: string, status?: RtmpStatus, cause?: unknown): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.listener.onError(new RtmpClientError(code, message, status, { cause }));
    this.listener.onClosed?.();
  }

  private requirePublishing(): void {
    if (this.state !== 'publishing') throw new RtmpClientError('not-publishing', `session is ${this.state}`);
  }

  private sendMedia(
    typeId: number,
    chunkStreamId: number,
    timestamp: number,
    payload: Buffer | readonly Buffer[],
  ): void {
    this.requirePublishing();
    // Callers run a 64-bit millisecond timeline; the wire carries it modulo 2^32.
    const wire = wireTimestamp(timestamp);
    this.send(
      this.writer.writeParts({ chunkStreamId, typeId, messageStreamId: this.streamId, timestamp: wire, payload }),
    );
  }

  private send(parts: Buffer[]): void {
    for (const part of parts) this.sent += part.length;
    const [only] = parts;
    this.listener.send(parts.length === 1 && only ? only : parts);
  }

  private sendMessages(...messages: OutgoingMessage[]): void {
    this.send(messages.flatMap((message) => this.writer.writeParts(message)));
  }

  /** After S0+S1+S2: C2, our chunk size, then `connect` (RTMP 7.2.1.1) in one write. */
  private connect(c2: Buffer): void {
    this.state = 'connecting';
    const chunkSize = this.options.outgoingChunkSize ?? 4096;
    const parts = [c2, ...this.writer.writeParts(setChunkSizeMessage(chunkSize))];
    this.writer.setChunkSize(chunkSize);
    const properties = {
      app: this.options.app,
      type: 'nonprivate',
      flashVer: this.options.flashVer ?? DEFAULT_FLASH_VER,
      tcUrl: this.options.tcUrl,
      fpad: false,
      capabilities: 15,
      audioCodecs: 4071, // ffmpeg's SUPPORT_SND_* mask
      videoCodecs: 252, // ffmpeg's SUPPORT_VID_* mask
      videoFunction: 1,
      objectEncoding: 0,
    };
    parts.push(...this.writer.writeParts(commandMessage(ChunkStreamId.Command, 0, 'connect', Txn.connect, properties)));
    this.send(parts);
  }

  private handleMessage(message: RtmpMessage): void {
    switch (message.typeId) {
      case MessageType.CommandAmf0:
      case MessageType.CommandAmf3:
        return this.handleCommand(decodeCommand(message, this.options.amfLimits));
      case MessageType.Audio:
      case MessageType.Video:
      case MessageType.DataAmf0:
      case MessageType.DataAmf3:
      case MessageType.SharedObjectAmf0:
      case MessageType.SharedObjectAmf3:
      case MessageType.Aggregate:
        return; // |RtmpSampleAccess and the like: nothing a publisher needs
      default: {
        const reply = this.control.apply(message);
        if (reply) this.sendMessages(reply);
        return;
      }
    }
  }

  private handleCommand(command: RtmpCommand): void {
    switch (command.name) {
      case '_result':
        return this.handleResult(command);
      case '_error':
        return this.handleCallError(command);
      case 'onStatus':
        return this.handleStatus(command);
      default:
        return; // onBWDone, onFCPublish, onFCUnpublish, calls we do not serve
    }
  }

  private handleResult(command: RtmpCommand): void {
    const { transactionId } = command;
    if (transactionId === Txn.connect && this.state === 'connecting') {
      const status = this.statusOf(command);
      if (status?.level === 'error') return this.fail('connect-rejected', this.describe(status), status);
      this.state = 'creating-stream';
      const name = this.options.streamName;
      return this.sendMessages(
        commandMessage(ChunkStreamId.Command, 0, 'releaseStream', Txn.releaseStream, null, name),
        commandMessage(ChunkStreamId.Command, 0, 'FCPublish', Txn.FCPublish, null, name),
        commandMessage(ChunkStreamId.Command, 0, 'createStream', Txn.createStream, null),
      );
    }
    if (transactionId === Txn.createStream && this.state === 'creating-stream') {
      const [streamId] = command.args;
      if (typeof streamId !== 'number' || !Number.isInteger(streamId) || streamId < 1 || streamId >= TWO_POW_32) {
        return this.fail(
          'create-stream-failed',
          `createStream answered stream id ${typeof streamId === 'number' ? streamId : typeof streamId}`,
        );
      }
      this.streamId = streamId;
      this.state = 'publish-pending';
      // RTMP 7.2.2.6: publish(name, type) on the new stream.
      return this.sendMessages(
        commandMessage(
          ChunkStreamId.StreamCommand,
          streamId,
          'publish',
          Txn.publish,
          null,
          this.options.streamName,
          'live',
        ),
      );
    }
    // Answers to releaseStream/FCPublish/FCUnpublish, late duplicates and unknown transactions.
  }

  private handleCallError(command: RtmpCommand): void {
    const status = this.statusOf(command);
    const why = status ? this.describe(status) : 'no reason given';
    if (command.transactionId === Txn.connect && this.state === 'connecting') {
      return this.fail('connect-rejected', `connect refused: ${why}`, status);
    }
    if (command.transactionId === Txn.createStream && this.state === 'creating-stream') {
      return this.fail('create-stream-failed', `createStream refused: ${why}`, status);
    }
    if (command.transactionId === Txn.publish && this.state === 'publish-pending') {
      return this.fail('publish-rejected', `publish refused: ${why}`, status);
    }
    // releaseStream/FCPublish are optional calls many servers answer with "method not found".
  }

  private handleStatus(command: RtmpCommand): void {
    const status = this.statusOf(command);
    if (!status) return;
    this.listener.onStatus?.(status);
    if (this.isClosed) return;
    if (status.code === 'NetStream.Publish.Start' && this.state === 'publish-pending') {
      this.state = 'publishing';
      return this.listener.onPublishing();
    }
    const ended = this.state === 'publishing';
    // ffmpeg gives up on any status at level error; so do we.
    if (status.level === 'error') {
      if (ended) return this.fail('publish-ended', `the server ended the stream: ${this.describe(status)}`, status);
      const code =
        this.state === 'connecting' || status.code.startsWith('NetConnection.Connect.')
          ? 'connect-rejected'
          : 'publish-rejected';
      return this.fail(code, `refused: ${this.describe(status)}`, status);
    }
    if (ended && (status.code === 'NetStream.Unpublish.Success' || status.code === 'NetConnection.Connect.Closed')) {
      return this.fail('publish-ended', `the server ended the stream: ${this.describe(status)}`, status);
    }
  }

  /** The info object of `onStatus` / `_result` / `_error` (RTMP 7.2.2), bounded and with the key redacted. */
  private statusOf(command: RtmpCommand): RtmpStatus | undefined {
    const info = toPlainObject(command.args[0]) ?? toPlainObject(command.commandObject);
    if (!info || typeof info.code !== 'string') return undefined;
    const text = (value: AmfValue, max: number) =>
      typeof value === 'string' ? this.redact(value).slice(0, max) : undefined;
    const status: RtmpStatus = {
      level: text(info.level, MAX_STATUS_TEXT.level) ?? 'status',
      code: text(info.code, MAX_STATUS_TEXT.code) ?? '',
    };
    const description = text(info.description, MAX_STATUS_TEXT.description);
    if (description !== undefined) status.description = description;
    return status;
  }

  private describe(status: RtmpStatus): string {
    return status.description ? `${status.code} (${status.description})` : status.code;
  }

  /** Servers may echo the stream name in a description; it is the target's key and never leaves in a message. */
  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('<stream key>');
    return out;
  }
}
