/**
 * A violation of the RTMP protocol by the peer, or input past a configured limit. The connection
 * cannot continue after one; the edge logs and counts it by `code` and closes the socket.
 */
export class RtmpProtocolError extends Error {
  constructor(
    readonly code: RtmpErrorCode,
    message?: string,
  ) {
    super(message ? `${code}: ${message}` : code);
    this.name = 'RtmpProtocolError';
  }
}

export type RtmpErrorCode =
  | 'handshake-version'
  | 'handshake-truncated'
  | 'chunk-size-invalid'
  | 'chunk-no-previous-header'
  | 'too-many-chunk-streams'
  | 'message-too-large'
  | 'pending-bytes-exceeded'
  | 'control-message-invalid'
  | 'command-malformed'
  | 'aggregate-malformed';
