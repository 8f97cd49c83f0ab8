import type { AmfLimits } from '@rapidrtmp/amf';
import type { RtmpClientError } from './client-error.js';

/** Where and what an RTMP client publishes: the parts of `rtmp://host[:port]/<app>/<streamName>`. */
export interface RtmpClientOptions {
  /** The application, e.g. `live2` (YouTube), `app` (Twitch) or `app/sub`. */
  app: string;
  /** The URL the server sees in `connect`, e.g. `rtmp://a.rtmp.youtube.com/live2`. */
  tcUrl: string;
  /** The target's stream key, possibly with `?query`. A secret: it never appears in an error message. */
  streamName: string;
  /** Default `FMLE/3.0 (compatible; RapidRTMP)`. */
  flashVer?: string;
  /** Our chunk size, announced with Set Chunk Size right after the handshake. Default 4096. */
  outgoingChunkSize?: number;
  /** Largest message accepted from the server; larger is a protocol error. Default 1 MiB. */
  maxMessageSize?: number;
  /** Randomness for C1 (tests inject a deterministic one). */
  randomBytes?: (size: number) => Buffer;
  /** Bounds for AMF decoding of the server's commands. */
  amfLimits?: Partial<AmfLimits>;
}

/** The info object of an `onStatus` (RTMP 7.2.2), with the stream key redacted from the description. */
export interface RtmpStatus {
  level: string;
  code: string;
  description?: string;
}

/**
 * The host side of a client session. `send` must write the bytes to the socket in call order (an
 * array is one write, e.g. `socket.cork()`, each part, `uncork()`; its parts may be views of media
 * the caller passed in). Callbacks run synchronously inside `receive()` (or `start()`/`close()`).
 */
export interface RtmpClientListener {
  send(bytes: Buffer | Buffer[]): void;
  /** NetStream.Publish.Start received: media may flow. */
  onPublishing(): void;
  /** Every `onStatus` the server sends, for logs. */
  onStatus?(status: RtmpStatus): void;
  /** Fatal: the session is closed after this (then `onClosed`); close the socket. */
  onError(error: RtmpClientError): void;
  /** Once, when the session closes for any reason (after `onError` if there was one). */
  onClosed?(): void;
}
