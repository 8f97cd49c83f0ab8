import type { RtmpStatus } from './client-types.js';

export type RtmpClientErrorCode =
  /** The server broke RTMP or sent more than the limits allow; `cause` is the RtmpProtocolError or AmfError. */
  | 'protocol-error'
  /** `connect` answered with `_error` or an error `onStatus` (e.g. NetConnection.Connect.Rejected). */
  | 'connect-rejected'
  /** `createStream` answered with `_error` or without a usable stream id. */
  | 'create-stream-failed'
  /** `publish` refused: `_error` or an error `onStatus` (e.g. NetStream.Publish.BadName). */
  | 'publish-rejected'
  /** The server ended the publish once it had started (NetStream.Unpublish.Success, an error status). */
  | 'publish-ended'
  /** Thrown by the send methods when the session is not publishing (a host bug, not a server's). */
  | 'not-publishing';

/**
 * Why an RTMP client session failed, with a code for logs and metrics and the server's status when
 * it sent one. Messages and descriptions never contain the stream key.
 */
export class RtmpClientError extends Error {
  constructor(
    readonly code: RtmpClientErrorCode,
    message: string,
    /** The server's `onStatus` / `_error` info, when the failure came from one. */
    readonly status?: RtmpStatus,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'RtmpClientError';
  }

  /** The server's status code, e.g. `NetStream.Publish.BadName`. */
  get statusCode(): string | undefined {
    return this.status?.code;
  }
}
