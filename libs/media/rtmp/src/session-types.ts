import type { AmfError, AmfLimits, AmfObject, AmfValue } from '@rapidrtmp/amf';
import type { RtmpCommand } from './command-codec.js';
import type { RtmpProtocolError } from './rtmp-error.js';

/** What the client said in `connect` (RTMP 7.2.1.1). */
export interface RtmpConnectInfo {
  /** The application name without query or slashes, e.g. `live`. */
  app: string;
  /** Query parameters given after the app name (`live?token=...`). */
  query: Record<string, string>;
  tcUrl?: string;
  flashVer?: string;
  swfUrl?: string;
  pageUrl?: string;
  /** 0 (AMF0) or 3 (AMF3); echoed in the `_result`. */
  objectEncoding: number;
  /** The whole command object, for anything else a client sends. */
  properties: AmfObject;
}

/** A `publish` the host must answer with `acceptPublish` or `rejectPublish` (RTMP 7.2.2.6). */
export interface RtmpPublishRequest {
  app: string;
  /** The stream name without its query: the stream key for `rtmp://host/live/<key>`. A secret. */
  streamName: string;
  /** Query parameters of the publish name (`<name>?token=<key>`). May hold secrets. */
  query: Record<string, string>;
  /** `live`, `record` or `append` as the client sent it (`live` when absent). */
  publishType: string;
  streamId: number;
}

/** A `play` the host must answer with `acceptPlay` or `rejectPlay` (RTMP 7.2.2.1). */
export interface RtmpPlayRequest {
  app: string;
  /** The stream name without its query (for RapidRTMP a playback id; never treat it as a secret key). */
  streamName: string;
  /** Query parameters of the play name (`<name>?token=<playback token>`). */
  query: Record<string, string>;
  /** RTMP 7.2.2.1 `Start`: -2 live or recorded, -1 live only, >= 0 a recorded position (ms). -2 when absent. */
  start: number;
  streamId: number;
}

/** What `sendPlayMedia` carries: an FLV audio or video tag body, or an AMF0 data message (`onMetaData`). */
export type RtmpPlayMediaKind = 'audio' | 'video' | 'data';

export interface RtmpMediaMessage {
  kind: 'audio' | 'video';
  /** Milliseconds on the stream's monotonic 64-bit timeline (see TimestampExtender), per track kind. */
  timestamp: number;
  /** The FLV tag body (audio/video tag header + data); a view into received bytes. */
  payload: Buffer;
  streamId: number;
}

export type RtmpUnpublishReason =
  | 'FCUnpublish'
  | 'deleteStream'
  | 'closeStream'
  /** The host called `stop()`. */
  | 'stopped'
  /** The host called `end()` (socket closed). */
  | 'disconnected'
  | 'protocol-error';

export type RtmpUnplayReason =
  | 'closeStream'
  | 'deleteStream'
  /** The host called `stop()`. */
  | 'stopped'
  /** The host called `end()` (socket closed). */
  | 'disconnected'
  | 'protocol-error';

/**
 * The host side of a session. `send` must write the bytes to the socket in call order. Callbacks
 * run synchronously inside `receive()`; they may call back into the session (e.g. `acceptPublish`).
 */
export interface RtmpSessionListener {
  send(bytes: Buffer | Buffer[]): void;
  onConnect?(info: RtmpConnectInfo): void;
  onPublish?(request: RtmpPublishRequest): void;
  onMetadata?(metadata: AmfObject): void;
  onMedia?(media: RtmpMediaMessage): void;
  /** Fires once for each accepted publish, whatever ended it. */
  onUnpublish?(reason: RtmpUnpublishReason): void;
  /**
   * A client asks to play. Without this callback `play` is refused (a publish-only host). A connection
   * is either a publisher or a player: the session refuses the other role once one is taken.
   */
  onPlay?(request: RtmpPlayRequest): void;
  /** The player paused (true) or resumed (false) an accepted play; while paused `sendPlayMedia` drops media. */
  onPlayPause?(paused: boolean): void;
  /** Fires once for each accepted play, whatever ended it. */
  onUnplay?(reason: RtmpUnplayReason): void;
  /** The session is dead after this; close the socket. */
  onProtocolError?(error: RtmpProtocolError | AmfError): void;
  /** Every command received, for tracing. `publish` arguments hold the stream key: redact before logging. */
  onCommand?(command: RtmpCommand): void;
  /** Data messages other than metadata (`onTextData`, `onCuePoint`...), name and arguments. */
  onData?(name: string, args: AmfValue[]): void;
}

export interface RtmpServerSessionOptions {
  /** Largest incoming message. Default 8 MiB. */
  maxMessageSize?: number;
  /** Chunk stream ids per connection. Default 64. */
  maxChunkStreams?: number;
  /** Bytes of partially received messages held at once. Default 4 x maxMessageSize. */
  maxPendingBytes?: number;
  /** Smallest Set Chunk Size accepted from the peer; smaller is a protocol error. Default 64. */
  minChunkSize?: number;
  /** Our outgoing chunk size, announced after `connect`. Default 4096. */
  outgoingChunkSize?: number;
  /** Window Acknowledgement Size we announce. Default 2,500,000 (as FMS and nginx-rtmp). */
  windowAckSize?: number;
  /** Set Peer Bandwidth we announce (dynamic). Default 2,500,000. */
  peerBandwidth?: number;
  /** `createStream` calls allowed per connection. Default 8. */
  maxStreams?: number;
  /** Bounds for AMF decoding of commands and data. */
  amfLimits?: Partial<AmfLimits>;
  /** Randomness for the handshake (tests inject a deterministic one). */
  randomBytes?: (size: number) => Buffer;
}
