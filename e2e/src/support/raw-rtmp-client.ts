import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A deliberately minimal RTMP client for robustness tests: it speaks just enough (plain handshake,
 * raw chunks) to put malformed or hostile input in front of the server. Real publishing is tested with
 * ffmpeg and GStreamer.
 */
export class RawRtmpClient {
  received = 0;
  closed = false;
  readonly closedAt: Promise<number>;
  private buffered = Buffer.alloc(0);
  private readonly opened = Date.now();

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.received += chunk.length;
      if (this.buffered.length < 1_000_000) this.buffered = Buffer.concat([this.buffered, chunk]);
    });
    socket.on('error', () => undefined);
    this.closedAt = new Promise((resolve) =>
      socket.once('close', () => {
        this.closed = true;
        resolve(Date.now() - this.opened);
      }),
    );
  }

  static open(port: number): Promise<RawRtmpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawRtmpClient(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** C0 + C1 (plain), waits for S0+S1+S2, sends C2. */
  async handshake(timeoutMs = 5000): Promise<void> {
    const c1 = Buffer.concat([Buffer.alloc(8), randomBytes(1528)]);
    this.write(Buffer.concat([Buffer.from([3]), c1]));
    const deadline = Date.now() + timeoutMs;
    while (this.buffered.length < 1 + 1536 * 2) {
      if (this.closed || Date.now() > deadline) throw new Error('handshake failed');
      await new Promise((r) => setTimeout(r, 10));
    }
    const s1 = this.buffered.subarray(1, 1537);
    this.buffered = this.buffered.subarray(1 + 1536 * 2);
    this.write(s1);
  }

  /** Waits until the server closes the connection, or throws after `timeoutMs`. */
  async expectClosed(timeoutMs: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`connection still open after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.closedAt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One RTMP chunk with a type-0 header on `csid` (< 64), payload in one chunk. */
export function chunkType0(csid: number, typeId: number, streamId: number, payload: Buffer, timestamp = 0): Buffer {
  const header = Buffer.alloc(12);
  header[0] = csid & 0x3f;
  header.writeUIntBE(Math.min(timestamp, 0xffffff), 1, 3);
  header.writeUIntBE(payload.length, 4, 3);
  header[7] = typeId;
  header.writeUInt32LE(streamId, 8);
  return Buffer.concat([header, payload]);
}

/** A type-0 header announcing `length` bytes, without the body (for oversized-message tests). */
export function headerOnly(csid: number, typeId: number, length: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = csid & 0x3f;
  header.writeUIntBE(length, 4, 3);
  header[7] = typeId;
  return header;
}

export function setChunkSize(size: number): Buffer {
  const body = Buffer.alloc(4);
  body.writeUInt32BE(size >>> 0);
  return chunkType0(2, 1, 0, body);
}

/** User Control Ping Request (event 6) with a timestamp. */
export function pingRequest(timestamp: number): Buffer {
  const body = Buffer.alloc(6);
  body.writeUInt16BE(6, 0);
  body.writeUInt32BE(timestamp >>> 0, 2);
  return chunkType0(2, 4, 0, body);
}

/** A type-3 (header-less continuation) chunk on `csid` (< 64): only valid after a header on that chunk stream. */
export function type3Chunk(csid: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xc0 | (csid & 0x3f)]), body]);
}

/** `count` Ping Requests back to back, ready for one write. */
export function pingRequests(count: number, firstTimestamp = 0): Buffer {
  const one = pingRequest(0);
  const out = Buffer.alloc(one.length * count);
  for (let i = 0; i < count; i++) {
    one.copy(out, i * one.length);
    out.writeUInt32BE((firstTimestamp + i) >>> 0, i * one.length + one.length - 4);
  }
  return out;
}

/**
 * Reproducible "random" bytes (mulberry32): a hostile-input test that fails can be replayed byte for
 * byte, which crypto randomness would not allow.
 */
export function seededBytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/**
 * Writes `batch` again and again on `socket`, honouring its backpressure (so the flood measures the
 * server, not this process's memory), until `done()` says stop, the socket closes, or `maxBytes` went
 * out. `done` is asked every `checkEvery` batches. Resolves with the bytes written.
 */
export async function flood(
  socket: Socket,
  batch: Buffer,
  done: () => Promise<boolean> | boolean,
  options: { maxBytes: number; checkEvery?: number },
): Promise<number> {
  const checkEvery = options.checkEvery ?? 8;
  let written = 0;
  for (let round = 0; written < options.maxBytes; round++) {
    if (socket.destroyed) break;
    if (round % checkEvery === 0 && (await done())) break;
    written += batch.length;
    if (!socket.write(batch)) {
      await new Promise<void>((resolve) => {
        const finish = () => {
          socket.off('drain', finish);
          socket.off('close', finish);
          resolve();
        };
        socket.once('drain', finish);
        socket.once('close', finish);
      });
    }
  }
  return written;
}
