import { DEFAULT_CHUNK_SIZE, validateChunkSize, type RtmpMessage } from './chunk-reader.js';
import { RtmpProtocolError } from './rtmp-error.js';

const EXTENDED_TIMESTAMP = 0xffffff;

/** The basic header (RTMP 5.3.1.1) for a chunk stream id, in its shortest form. */
function basicHeader(fmt: number, chunkStreamId: number): Buffer {
  if (chunkStreamId >= 2 && chunkStreamId <= 63) return Buffer.of((fmt << 6) | chunkStreamId);
  if (chunkStreamId >= 64 && chunkStreamId <= 319) return Buffer.of(fmt << 6, chunkStreamId - 64);
  if (chunkStreamId >= 320 && chunkStreamId <= 65599) {
    const id = chunkStreamId - 64;
    return Buffer.of((fmt << 6) | 1, id & 0xff, id >> 8);
  }
  throw new RtmpProtocolError('control-message-invalid', `chunk stream id ${chunkStreamId} out of range`);
}

/**
 * Serialises our outgoing messages into chunks (RTMP 5.3): a type-0 chunk with the full header,
 * then type-3 continuations. Stateless across messages apart from the chunk size, which costs a few
 * header bytes per message and keeps every message independently decodable.
 */
export class ChunkWriter {
  private chunkSize = DEFAULT_CHUNK_SIZE;

  get outgoingChunkSize(): number {
    return this.chunkSize;
  }

  /** Call after queueing our Set Chunk Size message: it governs the chunks that follow it. */
  setChunkSize(size: number): void {
    this.chunkSize = validateChunkSize(size);
  }

  write(message: RtmpMessage): Buffer {
    const { chunkStreamId, typeId, messageStreamId, payload } = message;
    const timestamp = message.timestamp >>> 0;
    const extended = timestamp >= EXTENDED_TIMESTAMP;
    const first = basicHeader(0, chunkStreamId);
    const continuation = basicHeader(3, chunkStreamId);
    const extendedSize = extended ? 4 : 0;
    const chunks = Math.max(1, Math.ceil(payload.length / this.chunkSize));
    const size =
      first.length + 11 + extendedSize + (chunks - 1) * (continuation.length + extendedSize) + payload.length;
    const out = Buffer.allocUnsafe(size);

    let at = first.copy(out, 0);
    // RTMP 5.3.1.2.1: type-0 message header; the stream id is the one little-endian field.
    at = out.writeUIntBE(extended ? EXTENDED_TIMESTAMP : timestamp, at, 3);
    at = out.writeUIntBE(payload.length, at, 3);
    at = out.writeUInt8(typeId, at);
    at = out.writeUInt32LE(messageStreamId, at);
    if (extended) at = out.writeUInt32BE(timestamp, at);

    for (let offset = 0; offset < payload.length; offset += this.chunkSize) {
      if (offset > 0) {
        at += continuation.copy(out, at);
        // RTMP 5.3.1.3: type-3 chunks of a message with an extended timestamp repeat the field.
        if (extended) at = out.writeUInt32BE(timestamp, at);
      }
      at += payload.copy(out, at, offset, Math.min(payload.length, offset + this.chunkSize));
    }
    return out;
  }
}
