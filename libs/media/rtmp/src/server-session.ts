import { AmfError, toPlainObject, type AmfLimits, type AmfValue } from '@rapidrtmp/amf';
import { TimestampExtender } from '@rapidrtmp/media-core';
import { splitAggregate } from './aggregate.js';
import { ChunkReader, type RtmpMessage } from './chunk-reader.js';
import { ChunkWriter } from './chunk-writer.js';
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
import { RtmpProtocolError } from './rtmp-error.js';
import type {
  RtmpConnectInfo,
  RtmpServerSessionOptions,
  RtmpSessionListener,
  RtmpUnpublishReason,
} from './session-types.js';
import { splitQuery } from './stream-name.js';

const FMS_VERSION = 'FMS/3,0,1,123';
const CAPABILITIES = 31;

interface Publication {
  streamId: number;
  state: 'pending' | 'accepted';
  audioClock: TimestampExtender;
  videoClock: TimestampExtender;
}

/**
 * The server side of one RTMP connection as a pure state machine: bytes in through `receive`,
 * bytes out and events through the listener. No sockets, no timers: the host owns both.
 * Flow: handshake, `connect`, (`releaseStream`, `FCPublish`), `createStream`, `publish` (the host
 * accepts or rejects, possibly later), media and metadata, then an unpublish or the end.
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

  /** Feed bytes from the socket. Never throws for bad input: see `onProtocolError`. */
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
   * Ends the session from the server side: tells a publisher its stream ended (`onStatus`
   * NetStream.Unpublish.Success, or `code` at level error) so it does not reconnect-loop blindly,
   * then ignores further input. The host closes the socket after the bytes are flushed.
   */
  stop(description = 'Stream stopped by the server.', code?: string): void {
    if (this.closed) return;
    // Before connect the client expects no commands (or is still in the handshake).
    if (this.connectInfo) {
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

  private close(reason: RtmpUnpublishReason): void {
    this.closed = true;
    this.endPublication(reason);
  }

  private fail(error: RtmpProtocolError | AmfError): void {
    this.closed = true;
    this.listener.onProtocolError?.(error);
    this.endPublication('protocol-error');
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
    this.sendMessages(
      commandMessage(ChunkStreamId.StreamCommand, streamId, 'onStatus', 0, null, statusInfo(level, code, description)),
    );
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
        return this.handleUnpublish(command, command.messageStreamId, 'closeStream');
      case 'deleteStream': {
        // RTMP 7.2.2.3: the argument is the stream id. GStreamer's rtmp2sink sends the stream *name*
        // on stream 0 instead; it can only mean the stream it publishes.
        const [arg] = command.args;
        const streamId = typeof arg === 'number' ? arg : this.publication?.streamId;
        if (streamId !== undefined) this.streams.delete(streamId);
        return this.handleUnpublish(command, streamId, 'deleteStream');
      }
      case 'play':
        return this.sendStatus(command.messageStreamId, 'error', 'NetStream.Play.Failed', 'Playback is not supported.');
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
    if (this.publication) {
      return this.sendStatus(streamId, 'error', 'NetStream.Publish.BadConnection', 'Already publishing.');
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
}
