import { DEFAULT_CHUNK_SIZE, validateChunkSize, type RtmpMessage } from './chunk-reader.js';
import { RtmpProtocolError } from './rtmp-error.js';

const EXTENDED_TIMESTAMP = 0xffffff;
const TWO_POW_32 = 0x1_0000_0000;
/** RTMP 5.3.1.2.1: the message length is a 24-bit field. */
export const MAX_MESSAGE_LENGTH = 0xffffff;
/** Type-0 message header: timestamp (3), length (3), type id (1), message stream id (4). */
const TYPE0_FIELDS = 11;

/** A message to send whose payload may be several buffers (e.g. a tag header and a payload view). */
export interface OutgoingMessage extends Omit<RtmpMessage, 'payload'> {
  payload: Buffer | readonly Buffer[];
}

/**
 * A millisecond time on a caller's 64-bit timeline as the wire carries it: modulo 2^32 (RTMP 5.3.1.2.1),
 * so a stream past ~49.7 days wraps as every RTMP peer expects. Throws a RangeError for a non-finite time.
 */
export function wireTimestamp(milliseconds: number): number {
  if (!Number.isFinite(milliseconds)) throw new RangeError(`timestamp ${milliseconds}`);
  const wrapped = Math.floor(milliseconds) % TWO_POW_32;
  return wrapped < 0 ? wrapped + TWO_POW_32 : wrapped;
}

/** Bytes of the shortest basic header (RTMP 5.3.1.1) for a chunk stream id. */
function basicHeaderSize(chunkStreamId: number): number {
  if (chunkStreamId >= 2 && chunkStreamId <= 63) return 1;
  if (chunkStreamId >= 64 && chunkStreamId <= 319) return 2;
  if (chunkStreamId >= 320 && chunkStreamId <= 65599) return 3;
  throw new RtmpProtocolError('control-message-invalid', `chunk stream id ${chunkStreamId} out of range`);
}

function writeBasicHeader(out: Buffer, at: number, fmt: number, chunkStreamId: number, size: number): number {
  if (size === 1) return out.writeUInt8((fmt << 6) | chunkStreamId, at);
  const id = chunkStreamId - 64;
  at = out.writeUInt8((fmt << 6) | (size === 2 ? 0 : 1), at);
  at = out.writeUInt8(id & 0xff, at);
  return size === 2 ? at : out.writeUInt8(id >> 8, at);
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

  /** The message as one buffer (a copy of the payload). */
  write(message: RtmpMessage): Buffer {
    const parts = this.writeParts(message);
    const [only] = parts;
    return parts.length === 1 && only ? only : Buffer.concat(parts);
  }

  /**
   * The message as chunk headers interleaved with payload slices, in wire order. The headers share
   * one allocation; the payload slices are views of the caller's buffers (no copy), so they must not
   * change until the socket took them. Throws a RangeError past the 24-bit message length.
   */
  writeParts(message: OutgoingMessage): Buffer[] {
    const { chunkStreamId, typeId, messageStreamId } = message;
    const parts: readonly Buffer[] = Buffer.isBuffer(message.payload) ? [message.payload] : message.payload;
    let length = 0;
    for (const part of parts) length += part.length;
    if (length > MAX_MESSAGE_LENGTH) throw new RangeError(`message of ${length} bytes > ${MAX_MESSAGE_LENGTH}`);
    const timestamp = message.timestamp >>> 0;
    const extended = timestamp >= EXTENDED_TIMESTAMP;
    const basicSize = basicHeaderSize(chunkStreamId);
    const extendedSize = extended ? 4 : 0;
    const firstSize = basicSize + TYPE0_FIELDS + extendedSize;
    const continuationSize = basicSize + extendedSize;
    const chunks = Math.max(1, Math.ceil(length / this.chunkSize));
    const headers = Buffer.allocUnsafe(firstSize + (chunks - 1) * continuationSize);

    let at = writeBasicHeader(headers, 0, 0, chunkStreamId, basicSize);
    // RTMP 5.3.1.2.1: type-0 message header; the stream id is the one little-endian field.
    at = headers.writeUIntBE(extended ? EXTENDED_TIMESTAMP : timestamp, at, 3);
    at = headers.writeUIntBE(length, at, 3);
    at = headers.writeUInt8(typeId, at);
    at = headers.writeUInt32LE(messageStreamId, at);
    if (extended) at = headers.writeUInt32BE(timestamp, at);
    for (let chunk = 1; chunk < chunks; chunk++) {
      at = writeBasicHeader(headers, at, 3, chunkStreamId, basicSize);
      // RTMP 5.3.1.3: type-3 chunks of a message with an extended timestamp repeat the field.
      if (extended) at = headers.writeUInt32BE(timestamp, at);
    }

    const out: Buffer[] = [headers.subarray(0, firstSize)];
    let headerAt = firstSize;
    let inChunk = 0;
    for (const part of parts) {
      for (let offset = 0; offset < part.length;) {
        if (inChunk === this.chunkSize) {
          out.push(headers.subarray(headerAt, headerAt + continuationSize));
          headerAt += continuationSize;
          inChunk = 0;
        }
        const take = Math.min(part.length - offset, this.chunkSize - inChunk);
        out.push(take === part.length ? part : part.subarray(offset, offset + take));
        offset += take;
        inChunk += take;
      }
    }
    return out;
  }
}
