import { AmfError, toPlainObject, type AmfLimits, type AmfValue } from '@rapidrtmp/amf';
import { TimestampExtender, releaseMedia } from '@rapidrtmp/media-core';
import { splitAggregate } from './aggregate.js';
import { ChunkReader, type RtmpMessage } from './chunk-reader.js';
import { ChunkWriter, wireTimestamp } from './chunk-writer.js';
import { commandMessage, decodeCommand, decodeMessageValues, statusInfo, type RtmpCommand } from './command-codec.js';
import {
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  userControlMessage,
  windowAckSizeMessage,
} from './control-messages.js';
import { ServerHandshakeReceiver } from './handshake.js';
import { ChunkStreamId, MessageType } from './message-types.js';
import { PeerControl } from './peer-control.js';
import { pauseMessages, playEndMessages, playStartMessages, statusMessage } from './play-messages.js';
import { RtmpProtocolError } from './rtmp-error.js';
import type {
  RtmpConnectInfo,
  RtmpPlayMediaKind,
  RtmpServerSessionOptions,
  RtmpSessionListener,
  RtmpUnplayReason,
  RtmpUnpublishReason,
} from './session-types.js';
import { splitQuery } from './stream-name.js';

/**
 * Audio, video and aggregate messages are handled synchronously (demuxed and handed on); whoever keeps
 * their bytes past that retains them, so the session gives back the carve's own reference right after.
 * Other messages keep theirs: their slab is simply left to the GC.
 */
function isMediaMessage(typeId: number): boolean {
  return typeId === MessageType.Audio || typeId === MessageType.Video || typeId === MessageType.Aggregate;
}

const FMS_VERSION = 'FMS/3,0,1,123';
const CAPABILITIES = 31;

interface Publication {
  streamId: number;
  state: 'pending' | 'accepted';
  audioClock: TimestampExtender;
  videoClock: TimestampExtender;
}

interface Playback {
  streamId: number;
  state: 'pending' | 'accepted';
  /** The player sent `pause(true)`: media is dropped until it unpauses. */
  paused: boolean;
}

/** Where `sendPlayMedia` puts each kind: message type and chunk stream (audio and video apart, as nginx-rtmp). */
const PLAY_MEDIA = {
  audio: { typeId: MessageType.Audio, chunkStreamId: ChunkStreamId.Audio },
  video: { typeId: MessageType.Video, chunkStreamId: ChunkStreamId.Video },
  data: { typeId: MessageType.DataAmf0, chunkStreamId: ChunkStreamId.Data },
} as const;

/**
 * The server side of one RTMP connection as a pure state machine: bytes in through `receive`,
 * bytes out and events through the listener. No sockets, no timers: the host owns both.
 * Flow: handshake, `connect`, (`releaseStream`, `FCPublish`), `createStream`, `publish` (the host
 * accepts or rejects, possibly later), media and metadata, then an unpublish or the end. A player instead
 * sends `play` after `createStream`; once the host accepts, it writes media with `sendPlayMedia`.
 */
export class RtmpServerSession {
  private readonly handshake: ServerHandshakeReceiver;
  private readonly reader: ChunkReader;
  private readonly writer = new ChunkWriter();
  private readonly amfLimits: Partial<AmfLimits> | undefined;
  private closed = false;
  private connectInfo: RtmpConnectInfo | undefined;
  private readonly streams = new Set<number>();
  private streamsCreated = 0;
  private publication: Publication | undefined;
  private playback: Playback | undefined;
  private readonly control: PeerControl;

  constructor(
    private readonly listener: RtmpSessionListener,
    private readonly options: RtmpServerSessionOptions = {},
  ) {
    this.handshake = new ServerHandshakeReceiver({ randomBytes: options.randomBytes });
    this.reader = new ChunkReader(options);
    this.control = new PeerControl(this.reader);
    this.amfLimits = options.amfLimits;
  }

  /** The connect properties, once `connect` arrived. */
  get connection(): RtmpConnectInfo | undefined {
    return this.connectInfo;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes held for partial messages and unparsed input (bounded by the options). */
  get bufferedBytes(): number {
    return this.reader.bufferedBytes;
  }

  /**
   * Feed bytes from the socket. Never throws for bad input: see `onProtocolError`. Nothing keeps a view
   * of `bytes` past the call, so the caller may read the socket into one reused buffer.
   */
  receive(bytes: Buffer): void {
    if (this.closed) return;
    try {
      let chunkBytes: Buffer | undefined = bytes;
      if (!this.handshake.done) {
        const { response, rest } = this.handshake.push(bytes);
        if (response) this.listener.send(response);
        chunkBytes = rest;
      }
      if (!chunkBytes) return;
      const acknowledgement = this.control.receive(chunkBytes, (message) => {
        this.handleMessage(message);
        if (isMediaMessage(message.typeId)) releaseMedia(message.payload);
        return !this.closed;
      });
      if (acknowledgement) this.sendMessages(acknowledgement);
    } catch (error) {
      if (error instanceof RtmpProtocolError || error instanceof AmfError) this.fail(error);
      else throw error;
    }
  }

  /** Lets the pending publish on `streamId` go live. False if there is none (e.g. the client left). */
  acceptPublish(streamId: number): boolean {
    const publication = this.publication;
    if (this.closed || publication?.streamId !== streamId || publication.state !== 'pending') return false;
    publication.state = 'accepted';
    this.sendMessages(userControlMessage({ event: 'stream-begin', streamId }));
    this.sendStatus(streamId, 'status', 'NetStream.Publish.Start', 'Publishing started.');
    return true;
  }

  /** Refuses the pending publish with an `onStatus` error; the host then usually closes the socket. */
  rejectPublish(streamId: number, code = 'NetStream.Publish.BadName', description = 'Publishing refused.'): boolean {
    const publication = this.publication;
    if (this.closed || publication?.streamId !== streamId || publication.state !== 'pending') return false;
    this.publication = undefined;
    this.sendStatus(streamId, 'error', code, description);
    return true;
  }

  /**
   * Lets the pending play on `streamId` start (RTMP 7.2.2.1): Stream Begin, `onStatus` NetStream.Play.Reset
   * and NetStream.Play.Start, and `|RtmpSampleAccess` as FMS, nginx-rtmp and SRS send them. Then the host
   * sends the stream with `sendPlayMedia`. False if there is no such pending play.
   */
  acceptPlay(streamId: number): boolean {
    const playback = this.playback;
    if (this.closed || playback?.streamId !== streamId || playback.state !== 'pending') return false;
    playback.state = 'accepted';
    this.sendMessages(...playStartMessages(streamId));
    return true;
  }

  /** Refuses the pending play with an `onStatus` error; the host then usually closes the socket. */
  rejectPlay(streamId: number, code = 'NetStream.Play.StreamNotFound', description = 'No such stream.'): boolean {
    const playback = this.playback;
    if (this.closed || playback?.streamId !== streamId || playback.state !== 'pending') return false;
    this.playback = undefined;
    this.sendStatus(streamId, 'error', code, description);
    return true;
  }

  /** Whether an accepted play is running and not paused by the player (media sent now is delivered). */
  get playing(): boolean {
    return !this.closed && this.playback?.state === 'accepted' && !this.playback.paused;
  }

  /**
   * Sends one message of the played stream: an FLV audio/video tag body or an AMF0 data body, possibly as
   * several buffers, at `timestamp` ms of a 64-bit timeline (sent modulo 2^32). The chunks are handed to
   * `send` as headers and views of `body` (no copy): `body` must not change until the socket took it.
   * Returns false (and sends nothing) unless `playing`. Throws a RangeError for a body past 16 MiB.
   */
  sendPlayMedia(kind: RtmpPlayMediaKind, timestamp: number, body: Buffer | readonly Buffer[]): boolean {
    const playback = this.playback;
    if (!this.playing || !playback) return false;
    const { typeId, chunkStreamId } = PLAY_MEDIA[kind];
    const messageStreamId = playback.streamId;
    const parts = this.writer.writeParts({
      chunkStreamId,
      typeId,
      messageStreamId,
      timestamp: wireTimestamp(timestamp),
      payload: body,
    });
    const [only] = parts;
    this.listener.send(parts.length === 1 && only ? only : parts);
    return true;
  }

  /**
   * Ends the session from the server side: tells a publisher its stream ended (`onStatus`
   * NetStream.Unpublish.Success, or `code` at level error) so it does not reconnect-loop blindly, and a
   * player that the stream it plays is over (Stream EOF, NetStream.Play.UnpublishNotify, or `code`);
   * then ignores further input. The host closes the socket after the bytes are flushed.
   */
  stop(description = 'Stream stopped by the server.', code?: string): void {
    if (this.closed) return;
    const playback = this.playback;
    if (playback?.state === 'accepted') {
      this.sendMessages(...playEndMessages(playback.streamId, description, code));
    } else if (this.connectInfo) {
      // Before connect the client expects no commands (or is still in the handshake).
      const streamId = this.publication?.streamId ?? 0;
      if (code) this.sendStatus(streamId, 'error', code, description);
      else this.sendStatus(streamId, 'status', 'NetStream.Unpublish.Success', description);
    }
    this.close('stopped');
  }

  /** The socket closed: ends an accepted publish (`onUnpublish('disconnected')`). Idempotent. */
  end(): void {
    if (!this.closed) this.close('disconnected');
  }

  private close(reason: 'stopped' | 'disconnected'): void {
    this.closed = true;
    this.reader.dispose();
    this.endPublication(reason);
    this.endPlayback(reason);
  }

  private fail(error: RtmpProtocolError | AmfError): void {
    this.closed = true;
    this.reader.dispose();
    this.listener.onProtocolError?.(error);
    this.endPublication('protocol-error');
    this.endPlayback('protocol-error');
  }

  private endPlayback(reason: RtmpUnplayReason): void {
    const playback = this.playback;
    this.playback = undefined;
    if (playback?.state === 'accepted') this.listener.onUnplay?.(reason);
  }

  private endPublication(reason: RtmpUnpublishReason): void {
    const publication = this.publication;
    this.publication = undefined;
    if (publication?.state === 'accepted') this.listener.onUnpublish?.(reason);
  }

  private sendMessages(...messages: RtmpMessage[]): void {
    const bytes = messages.map((message) => this.writer.write(message));
    const only = bytes.length === 1 ? bytes[0] : undefined;
    this.listener.send(only ?? bytes);
  }

  private sendStatus(streamId: number, level: 'status' | 'error', code: string, description: string): void {
    this.sendMessages(statusMessage(streamId, level, code, description));
  }

  private sendResult(transactionId: number, commandObject: AmfValue, ...args: AmfValue[]): void {
    if (transactionId <= 0) return;
    this.sendMessages(commandMessage(ChunkStreamId.Command, 0, '_result', transactionId, commandObject, ...args));
  }

  private sendError(transactionId: number, description: string): void {
    if (transactionId <= 0) return;
    const info = statusInfo('error', 'NetConnection.Call.Failed', description);
    this.sendMessages(commandMessage(ChunkStreamId.Command, 0, '_error', transactionId, null, info));
  }

  private handleMessage(message: RtmpMessage): void {
    switch (message.typeId) {
      case MessageType.Audio:
      case MessageType.Video:
        return this.handleMedia(message.typeId, message.timestamp, message.payload, message.messageStreamId);
      case MessageType.Aggregate:
        for (const sub of splitAggregate(message.payload, message.timestamp)) {
          const submessage = { ...message, typeId: sub.typeId, timestamp: sub.timestamp, payload: sub.payload };
          if (sub.typeId === MessageType.DataAmf0) this.handleData(submessage);
          else this.handleMedia(sub.typeId, sub.timestamp, sub.payload, message.messageStreamId);
        }
        return;
      case MessageType.CommandAmf0:
      case MessageType.CommandAmf3:
        return this.handleCommand(decodeCommand(message, this.amfLimits));
      case MessageType.DataAmf0:
      case MessageType.DataAmf3:
        return this.handleData(message);
      default: {
        const reply = this.control.apply(message);
        if (reply) this.sendMessages(reply);
        return;
      }
    }
  }

  private handleMedia(typeId: number, timestamp: number, payload: Buffer, streamId: number): void {
    const publication = this.publication;
    if (typeId !== MessageType.Audio && typeId !== MessageType.Video) return;
    // Media before the host accepted, or on another stream, has nowhere to go.
    if (publication?.state !== 'accepted' || streamId !== publication.streamId || payload.length === 0) return;
    const kind = typeId === MessageType.Audio ? 'audio' : 'video';
    const clock = kind === 'audio' ? publication.audioClock : publication.videoClock;
    this.listener.onMedia?.({ kind, timestamp: clock.extend(timestamp), payload, streamId });
  }

  /** `@setDataFrame onMetaData {...}` (ffmpeg, OBS) or bare `onMetaData {...}` (older encoders). */
  private handleData(message: RtmpMessage): void {
    const publication = this.publication;
    if (publication?.state !== 'accepted' || message.messageStreamId !== publication.streamId) return;
    let values: AmfValue[];
    try {
      values = decodeMessageValues(message, this.amfLimits);
    } catch (error) {
      // A data message we cannot read costs its content, not the stream.
      if (error instanceof AmfError) return;
      throw error;
    }
    let [name, ...args] = values;
    if (name === '@setDataFrame' && typeof args[0] === 'string') [name, ...args] = args;
    if (typeof name !== 'string') return;
    const metadata = name === 'onMetaData' ? toPlainObject(args[0]) : undefined;
    if (metadata) this.listener.onMetadata?.(metadata);
    else this.listener.onData?.(name, args);
  }

  private handleCommand(command: RtmpCommand): void {
    this.listener.onCommand?.(command);
    if (this.closed) return;
    const { name, transactionId } = command;
    if (name === 'connect') return this.handleConnect(command);
    // Answers to calls we never make, and client-side notifications.
    if (name === '_result' || name === '_error' || name === 'onStatus') return;
    if (!this.connectInfo) return this.sendError(transactionId, 'Not connected.');
    switch (name) {
      case 'releaseStream':
        return this.sendResult(transactionId, null, undefined);
      case 'FCPublish':
        this.sendResult(transactionId, null, undefined);
        // FMS tells Flash Media Live Encoder-style clients it may start; the key is not echoed.
        return this.sendMessages(
          commandMessage(
            ChunkStreamId.Command,
            0,
            'onFCPublish',
            0,
            null,
            statusInfo('status', 'NetStream.Publish.Start', 'FCPublish'),
          ),
        );
      case 'createStream':
        return this.handleCreateStream(transactionId);
      case 'publish':
        return this.handlePublish(command, this.connectInfo.app);
      case 'FCUnpublish':
        return this.handleUnpublish(command, this.publication?.streamId, 'FCUnpublish');
      case 'closeStream':
        this.handleUnplay(command.messageStreamId, 'closeStream');
        return this.handleUnpublish(command, command.messageStreamId, 'closeStream');
      case 'deleteStream': {
        // RTMP 7.2.2.3: the argument is the stream id. GStreamer's rtmp2sink sends the stream *name*
        // on stream 0 instead; it can only mean the stream it publishes.
        const [arg] = command.args;
        const streamId = typeof arg === 'number' ? arg : (this.publication?.streamId ?? this.playback?.streamId);
        if (streamId !== undefined) this.streams.delete(streamId);
        this.handleUnplay(streamId, 'deleteStream');
        return this.handleUnpublish(command, streamId, 'deleteStream');
      }
      case 'play':
        return this.handlePlay(command, this.connectInfo.app);
      case 'pause':
        return this.handlePause(command);
      case 'receiveAudio':
      case 'receiveVideo':
        // RTMP 7.2.2.2/7.2.2.3 (no answer expected): every player gets both tracks.
        return;
      default:
        // getStreamLength, _checkbw, ping and the like: an answer keeps callers from waiting forever.
        return this.sendError(transactionId, `Method not found (${name.slice(0, 64)}).`);
    }
  }

  private handleConnect(command: RtmpCommand): void {
    if (this.connectInfo) return this.sendError(command.transactionId, 'Already connected.');
    const properties = toPlainObject(command.commandObject) ?? {};
    const text = (key: string): string | undefined => {
      const value = properties[key];
      return typeof value === 'string' ? value : undefined;
    };
    const { name: app, query } = splitQuery(text('app') ?? '');
    const encoding = properties.objectEncoding;
    const info: RtmpConnectInfo = {
      app,
      query,
      tcUrl: text('tcUrl'),
      flashVer: text('flashVer'),
      swfUrl: text('swfUrl'),
      pageUrl: text('pageUrl'),
      objectEncoding: encoding === 3 ? 3 : 0,
      properties,
    };
    this.connectInfo = info;
    this.listener.onConnect?.(info);
    if (this.closed) return;
    const chunkSize = this.options.outgoingChunkSize ?? 4096;
    // RTMP 7.2.1.1: Window Acknowledgement Size, Set Peer Bandwidth, then the _result; our chunk size
    // goes out before the _result so the (larger) replies after it use it.
    this.sendMessages(
      windowAckSizeMessage(this.options.windowAckSize ?? 2_500_000),
      setPeerBandwidthMessage(this.options.peerBandwidth ?? 2_500_000, 'dynamic'),
      setChunkSizeMessage(chunkSize),
    );
    this.writer.setChunkSize(chunkSize);
    this.sendResult(
      command.transactionId,
      { fmsVer: FMS_VERSION, capabilities: CAPABILITIES },
      {
        ...statusInfo('status', 'NetConnection.Connect.Success', 'Connection succeeded.'),
        objectEncoding: info.objectEncoding,
      },
    );
  }

  private handleCreateStream(transactionId: number): void {
    if (this.streamsCreated >= (this.options.maxStreams ?? 8)) {
      return this.sendError(transactionId, 'Too many streams.');
    }
    const streamId = ++this.streamsCreated;
    this.streams.add(streamId);
    this.sendResult(transactionId, null, streamId);
  }

  private handlePublish(command: RtmpCommand, app: string): void {
    const streamId = command.messageStreamId;
    const [rawName, rawType] = command.args; // RTMP 7.2.2.6: publish(txn, null, name, type)
    if (!this.streams.has(streamId) || typeof rawName !== 'string' || rawName === '') {
      return this.sendStatus(streamId, 'error', 'NetStream.Publish.BadName', 'Invalid stream.');
    }
    // One publication per connection: what OBS, ffmpeg and GStreamer do, and what the host expects.
    if (this.publication || this.playback) {
      const why = this.playback ? 'This connection plays a stream.' : 'Already publishing.';
      return this.sendStatus(streamId, 'error', 'NetStream.Publish.BadConnection', why);
    }
    const { name: streamName, query } = splitQuery(rawName);
    this.publication = {
      streamId,
      state: 'pending',
      audioClock: new TimestampExtender(),
      videoClock: new TimestampExtender(),
    };
    this.listener.onPublish?.({
      app,
      streamName,
      query,
      publishType: typeof rawType === 'string' && rawType !== '' ? rawType : 'live',
      streamId,
    });
  }

  private handleUnpublish(command: RtmpCommand, streamId: number | undefined, reason: RtmpUnpublishReason): void {
    const publication = this.publication;
    if (reason === 'FCUnpublish') this.sendResult(command.transactionId, null, undefined);
    if (publication === undefined || publication.streamId !== streamId) return;
    if (publication.state === 'accepted') {
      this.sendStatus(publication.streamId, 'status', 'NetStream.Unpublish.Success', 'Stream unpublished.');
    }
    this.endPublication(reason);
  }

  /** RTMP 7.2.2.1: play(txn 0, null, name, start, duration, reset) on a created stream; one per connection. */
  private handlePlay(command: RtmpCommand, app: string): void {
    const streamId = command.messageStreamId;
    const [rawName, rawStart] = command.args;
    if (!this.listener.onPlay) {
      return this.sendStatus(streamId, 'error', 'NetStream.Play.Failed', 'Playback is not supported.');
    }
    if (!this.streams.has(streamId) || typeof rawName !== 'string' || rawName === '') {
      return this.sendStatus(streamId, 'error', 'NetStream.Play.StreamNotFound', 'Invalid stream.');
    }
    if (this.publication || this.playback) {
      const why = this.publication ? 'This connection publishes a stream.' : 'Already playing.';
      return this.sendStatus(streamId, 'error', 'NetStream.Play.Failed', why);
    }
    const { name: streamName, query } = splitQuery(rawName);
    this.playback = { streamId, state: 'pending', paused: false };
    const start = typeof rawStart === 'number' && Number.isFinite(rawStart) ? rawStart : -2;
    this.listener.onPlay({ app, streamName, query, start, streamId });
  }

  /** RTMP 7.2.2.8: pause(txn 0, null, flag, ms). Live: media stops, and resumes where the stream is then. */
  private handlePause(command: RtmpCommand): void {
    const playback = this.playback;
    if (playback?.state !== 'accepted' || command.messageStreamId !== playback.streamId) return;
    const paused = command.args[0] === true;
    if (paused === playback.paused) return;
    playback.paused = paused;
    this.sendMessages(...pauseMessages(playback.streamId, paused));
    this.listener.onPlayPause?.(paused);
  }

  private handleUnplay(streamId: number | undefined, reason: RtmpUnplayReason): void {
    if (this.playback === undefined || this.playback.streamId !== streamId) return;
    this.endPlayback(reason);
  }
}
