import type { ChunkReader, RtmpMessage } from './chunk-reader.js';
import { acknowledgementMessage, decodeControlMessage, userControlMessage } from './control-messages.js';

/**
 * The protocol control both ends of a connection honour the same way (RTMP 5.4, 7.1.7): the peer's
 * Set Chunk Size and Abort go to our reader, its Window Acknowledgement Size makes us acknowledge
 * each window of bytes received, and a Ping Request gets its Ping Response. Shared by the server
 * and the client session so the rules have one owner.
 */
export class PeerControl {
  private bytesReceived = 0;
  private bytesAcknowledged = 0;
  /** The peer's Window Acknowledgement Size (RTMP 5.4.4); 0 until it sends one. */
  private peerWindow = 0;

  constructor(private readonly reader: ChunkReader) {}

  /**
   * Bytes read from the socket after the handshake: counts them, passes each message they complete
   * to `handle` while it returns true (the session may close halfway), and returns the
   * Acknowledgement due afterwards, if any. Throws what the reader throws. `bytes` is not kept: the caller
   * may reuse it once this returns.
   */
  receive(bytes: Buffer, handle: (message: RtmpMessage) => boolean): RtmpMessage | undefined {
    this.bytesReceived += bytes.length;
    // next() rather than the generator: no iterator result object per message on the ingest path.
    this.reader.append(bytes);
    try {
      for (let message = this.reader.next(); message; message = this.reader.next()) {
        if (!handle(message)) return undefined;
      }
    } finally {
      // `bytes` may be the socket's one reused read buffer: what is left of it must not be kept as a view.
      this.reader.keepUnread();
    }
    return this.acknowledgement();
  }

  /**
   * Applies a protocol control or User Control message; returns the reply it calls for, if any.
   * Acknowledgements, Set Peer Bandwidth and events we do not act on are accepted and ignored.
   * Throws RtmpProtocolError for a malformed one or a chunk size the reader refuses.
   */
  apply(message: RtmpMessage): RtmpMessage | undefined {
    const control = decodeControlMessage(message.typeId, message.payload);
    switch (control?.type) {
      case 'set-chunk-size':
        this.reader.setChunkSize(control.chunkSize);
        return undefined;
      case 'abort':
        this.reader.abort(control.chunkStreamId);
        return undefined;
      case 'window-ack-size':
        this.peerWindow = control.windowSize;
        return undefined;
      case 'user-control':
        // RTMP 7.1.7: answer a Ping Request with its timestamp.
        if (control.control.event !== 'ping-request') return undefined;
        return userControlMessage({ event: 'ping-response', timestamp: control.control.timestamp });
      default:
        return undefined;
    }
  }

  /** RTMP 5.4.3: the Acknowledgement due once a full window arrived since the last one, else undefined. */
  private acknowledgement(): RtmpMessage | undefined {
    if (this.peerWindow <= 0 || this.bytesReceived - this.bytesAcknowledged < this.peerWindow) return undefined;
    this.bytesAcknowledged = this.bytesReceived;
    return acknowledgementMessage(this.bytesReceived % 0x1_0000_0000);
  }
}
