import { MediaArena } from '@rapidrtmp/media-core';
import { ByteQueue } from './byte-queue.js';
import { RtmpProtocolError } from './rtmp-error.js';

/** One reassembled RTMP message (RTMP 5.4, 6.1). */
export interface RtmpMessage {
  chunkStreamId: number;
  typeId: number;
  messageStreamId: number;
  /** 32-bit millisecond timestamp as received, after delta accumulation (wraps at 2^32). */
  timestamp: number;
  /**
   * The message's bytes, copied once out of the socket reads: carved from the connection's MediaArena,
   * or a buffer of their own when large. Never a view of a read buffer.
   */
  payload: Buffer;
}

export interface ChunkReaderOptions {
  /** Largest message accepted; checked on its header, before buffering. Default 8 MiB. */
  maxMessageSize?: number;
  /** Distinct chunk stream ids per connection. Default 64. */
  maxChunkStreams?: number;
  /** Bytes held for partially received messages, all chunk streams together. Default 4 x maxMessageSize. */
  maxPendingBytes?: number;
  /**
   * Smallest chunk size a Set Chunk Size may ask for. Default 64 (DEFAULT_MIN_CHUNK_SIZE). RTMP 5.4.1
   * allows 1, but no encoder sends less than 128: tiny chunks only multiply the header parsing per
   * message byte (a 1-byte chunk costs a header per byte), so they are refused as an attack.
   */
  minChunkSize?: number;
}

export const DEFAULT_CHUNK_SIZE = 128; // RTMP 5.4.1
export const MAX_CHUNK_SIZE = 0x7fffffff; // RTMP 5.4.1: the high bit must be 0
/** Default floor for the peer's Set Chunk Size (see ChunkReaderOptions.minChunkSize). */
export const DEFAULT_MIN_CHUNK_SIZE = 64;
const EXTENDED_TIMESTAMP = 0xffffff;
/** Largest chunk header: 3-byte basic header, 11-byte type-0 header, 4-byte extended timestamp. */
const MAX_HEADER = 18;
const MESSAGE_HEADER_SIZE = [11, 7, 3, 0] as const; // by fmt, RTMP 5.3.1.2
/** The 2-bit chunk type (fmt) of a basic header. */
type ChunkFmt = 0 | 1 | 2 | 3;

/** What RTMP 5.3.1 says a chunk stream remembers from its previous headers. */
interface ChunkStream {
  id: number;
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  messageStreamId: number;
  /** The last type 0/1/2 header used the extended timestamp field, and this was its value. */
  extended: boolean;
  extendedValue: number;
  /** The message being reassembled, if any. */
  payload: Buffer | undefined;
  received: number;
}

/** Checks a chunk size from Set Chunk Size (RTMP 5.4.1): 1..2^31-1. */
export function validateChunkSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_CHUNK_SIZE) {
    throw new RtmpProtocolError('chunk-size-invalid', `chunk size ${size}`);
  }
  return size;
}

/**
 * Incremental RTMP chunk stream parser (RTMP 5.3). `push` bytes as they arrive and iterate the
 * messages it completes. Iteration is lazy on purpose: a Set Chunk Size the caller applies while
 * handling one message governs the very next chunk. Bytes of an abandoned iteration stay queued.
 * After it throws, the reader is unusable (every later call throws the same error).
 */
export class ChunkReader {
  private readonly queue = new ByteQueue();
  private readonly streams = new Map<number, ChunkStream>();
  private readonly scratch = Buffer.alloc(MAX_HEADER);
  private readonly arena = new MediaArena();
  private readonly maxMessageSize: number;
  private readonly maxChunkStreams: number;
  private readonly maxPendingBytes: number;
  private readonly minChunkSize: number;
  private chunkSize = DEFAULT_CHUNK_SIZE;
  /** The chunk stream whose chunk body is being read, and how much of that body is left. */
  private reading: ChunkStream | undefined;
  private chunkRemaining = 0;
  private pending = 0;
  private failure: { error: unknown } | undefined; // what left the reader failed, rethrown by next()

  constructor(options: ChunkReaderOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? 8 * 1024 * 1024;
    this.maxChunkStreams = options.maxChunkStreams ?? 64;
    this.maxPendingBytes = options.maxPendingBytes ?? 4 * this.maxMessageSize;
    // 1 is the floor RTMP 5.4.1 itself sets (validateChunkSize); an option cannot go below it.
    this.minChunkSize = Math.max(1, options.minChunkSize ?? DEFAULT_MIN_CHUNK_SIZE);
  }

  /** Bytes held: queued input plus buffers of partially received messages. */
  get bufferedBytes(): number {
    return this.queue.length + this.pending;
  }

  /** The connection is done: the slab being carved from may be recycled once its messages are released. */
  dispose(): void {
    this.arena.dispose();
  }

  get incomingChunkSize(): number {
    return this.chunkSize;
  }

  /**
   * Applies the peer's Set Chunk Size (RTMP 5.4.1) to the chunks that follow. Sizes under
   * `minChunkSize` (and 0, and the high bit) throw `chunk-size-invalid` and leave the reader failed.
   */
  setChunkSize(size: number): void {
    try {
      validateChunkSize(size);
      if (size < this.minChunkSize) {
        throw new RtmpProtocolError('chunk-size-invalid', `chunk size ${size} below the minimum ${this.minChunkSize}`);
      }
    } catch (error) {
      // The peer's next chunks are cut at the size we refused: nothing after this can be parsed.
      this.failure = { error };
      throw error;
    }
    this.chunkSize = size;
  }

  /** Abort Message (RTMP 5.4.2): drop the partial message on a chunk stream. */
  abort(chunkStreamId: number): void {
    const stream = this.streams.get(chunkStreamId);
    if (stream && stream !== this.reading) this.discard(stream);
  }

  /**
   * Copies the queued bytes `next` has not parsed yet (a partial chunk header, or input left when the
   * caller stopped early) so the buffers given to `append` may be reused. Message bodies never need it:
   * they are copied into their message as soon as they arrive.
   */
  keepUnread(): void {
    this.queue.keepUnread();
  }

  /** Queues received bytes; `next` then returns the messages they complete. */
  append(bytes: Buffer): void {
    this.queue.push(bytes);
  }

  /** `append`, then iterate the messages completed so far (a generator: tests and tools; the sessions call next). */
  push(bytes: Buffer): IterableIterator<RtmpMessage> {
    this.append(bytes);
    return this.messages();
  }

  *messages(): IterableIterator<RtmpMessage> {
    for (;;) {
      const message = this.next();
      if (!message) return;
      yield message;
    }
  }

  /** The next complete message, or undefined when more bytes are needed. */
  next(): RtmpMessage | undefined {
    if (this.failure) throw this.failure.error;
    try {
      for (;;) {
        const progress = this.reading ? this.readBody(this.reading) : this.readHeader();
        if (progress === 'need-more') return undefined;
        if (progress !== 'continue') return progress;
      }
    } catch (error) {
      this.failure = { error };
      throw error;
    }
  }

  private readBody(stream: ChunkStream): RtmpMessage | 'need-more' | 'continue' {
    const payload = stream.payload;
    const count = Math.min(this.chunkRemaining, this.queue.length);
    if (!payload || count === 0) return 'need-more';
    this.queue.moveInto(payload, stream.received, count);
    stream.received += count;
    this.chunkRemaining -= count;
    if (this.chunkRemaining > 0) return 'need-more';
    this.reading = undefined;
    return stream.received === stream.length ? this.complete(stream, payload) : 'continue';
  }

  private readHeader(): RtmpMessage | 'need-more' | 'continue' {
    const header = this.scratch;
    const available = this.queue.peekInto(header);
    if (available < 1) return 'need-more';
    // RTMP 5.3.1.1: basic header, csid 2..63 in one byte, 64..319 in two, 64..65599 in three.
    // `header` is the MAX_HEADER-byte scratch buffer, so every fixed offset below is in range;
    // `available` says how much of it this read filled.
    const basic = header.readUInt8(0);
    const fmt = (basic >> 6) as ChunkFmt; // the top two bits of a byte
    let id = basic & 0x3f;
    let at = 1;
    if (id === 0) {
      if (available < 2) return 'need-more';
      id = 64 + header.readUInt8(1);
      at = 2;
    } else if (id === 1) {
      if (available < 3) return 'need-more';
      id = 64 + header.readUInt8(1) + header.readUInt8(2) * 256;
      at = 3;
    }
    const fieldsEnd = at + MESSAGE_HEADER_SIZE[fmt];
    if (available < fieldsEnd) return 'need-more';
    const stream = this.streamFor(id, fmt);

    let timestampField = 0;
    if (fmt <= 2) timestampField = header.readUIntBE(at, 3);
    let end = fieldsEnd;
    let extendedValue: number | undefined;
    if (fmt <= 2 && timestampField === EXTENDED_TIMESTAMP) {
      // RTMP 5.3.1.3: the real timestamp (or delta) follows the message header.
      if (available < end + 4) return 'need-more';
      extendedValue = header.readUInt32BE(end);
      end += 4;
    } else if (fmt === 3 && stream.extended) {
      // RTMP 5.3.1.3 says type-3 chunks repeat the extended field; some clients omit it. Like other
      // servers, take the next 4 bytes as the field only when they equal the value last received.
      if (available < end + 4) return 'need-more';
      if (header.readUInt32BE(end) === stream.extendedValue) end += 4;
    }

    if (fmt <= 2) {
      const value = extendedValue ?? timestampField;
      stream.extended = extendedValue !== undefined;
      if (stream.extended) stream.extendedValue = value;
      if (fmt === 0) {
        stream.timestamp = value;
        // RTMP 5.3.1.2.4: a type-3 chunk after a type-0 one uses the type-0 timestamp as its delta.
        stream.delta = value;
        stream.messageStreamId = header.readUInt32LE(at + 7); // RTMP 5.3.1.2.1: little-endian
      } else {
        stream.delta = value;
        stream.timestamp = (stream.timestamp + value) >>> 0;
      }
      if (fmt <= 1) {
        stream.length = header.readUIntBE(at + 3, 3);
        stream.typeId = header.readUInt8(at + 6);
      }
      // A new header while a message is partial abandons it (the peer changed its mind).
      if (stream.payload) this.discard(stream);
    } else if (!stream.payload) {
      // RTMP 5.3.1.2.4: a type-3 chunk starting a new message repeats the previous delta.
      stream.timestamp = (stream.timestamp + stream.delta) >>> 0;
    }
    this.queue.skip(end);
    return stream.payload ? this.continueMessage(stream) : this.startMessage(stream);
  }

  private streamFor(id: number, fmt: number): ChunkStream {
    let stream = this.streams.get(id);
    if (stream) return stream;
    // RTMP 5.3.1.2: only a type-0 header is self-contained; the others refer to a previous one.
    if (fmt !== 0)
      throw new RtmpProtocolError('chunk-no-previous-header', `type ${fmt} chunk on new chunk stream ${id}`);
    if (this.streams.size >= this.maxChunkStreams) {
      throw new RtmpProtocolError('too-many-chunk-streams', `more than ${this.maxChunkStreams} chunk streams`);
    }
    stream = {
      id,
      timestamp: 0,
      delta: 0,
      length: 0,
      typeId: 0,
      messageStreamId: 0,
      extended: false,
      extendedValue: 0,
      payload: undefined,
      received: 0,
    };
    this.streams.set(id, stream);
    return stream;
  }

  private startMessage(stream: ChunkStream): RtmpMessage | 'need-more' | 'continue' {
    const { length } = stream;
    if (length > this.maxMessageSize) {
      throw new RtmpProtocolError('message-too-large', `${length} bytes > ${this.maxMessageSize}`);
    }
    if (length === 0) return this.complete(stream, Buffer.alloc(0));
    if (length <= this.chunkSize && this.queue.length >= length) {
      // Copied even when it sits in one socket read: a view would pin the whole read (other messages'
      // chunks included) for as long as the frame is held, in the live window or a player's queue.
      const payload = this.arena.allocate(length);
      this.queue.moveInto(payload, 0, length);
      return this.complete(stream, payload);
    }
    if (this.pending + length > this.maxPendingBytes) {
      throw new RtmpProtocolError(
        'pending-bytes-exceeded',
        `more than ${this.maxPendingBytes} bytes of partial messages`,
      );
    }
    // Chunk bodies are copied straight into the message's bytes, carved from this connection's slabs.
    stream.payload = this.arena.allocate(length);
    stream.received = 0;
    this.pending += length;
    return this.continueMessage(stream);
  }

  private continueMessage(stream: ChunkStream): 'continue' {
    this.reading = stream;
    this.chunkRemaining = Math.min(this.chunkSize, stream.length - stream.received);
    return 'continue';
  }

  private complete(stream: ChunkStream, payload: Buffer): RtmpMessage {
    if (stream.payload) this.discard(stream);
    return {
      chunkStreamId: stream.id,
      typeId: stream.typeId,
      messageStreamId: stream.messageStreamId,
      timestamp: stream.timestamp,
      payload,
    };
  }

  private discard(stream: ChunkStream): void {
    if (!stream.payload) return;
    this.pending -= stream.payload.length;
    stream.payload = undefined;
    stream.received = 0;
  }
}
