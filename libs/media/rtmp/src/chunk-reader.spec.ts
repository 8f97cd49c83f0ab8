import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkReader, RtmpProtocolError, type ChunkReaderOptions, type RtmpMessage } from './index.js';
import { ARENA_MAX_CARVE_BYTES, isArenaBacked } from '@rapidrtmp/media-core';
import { SeededRandom } from '@rapidrtmp/media-core/testing';

/** Chunk bytes written by hand from RTMP 5.3.1, independent of chunk-writer.ts. */
function basicHeader(fmt: number, csid: number): Buffer {
  if (csid < 64) return Buffer.of((fmt << 6) | csid);
  if (csid < 320) return Buffer.of(fmt << 6, csid - 64);
  return Buffer.of((fmt << 6) | 1, (csid - 64) & 0xff, (csid - 64) >> 8);
}

interface Fields {
  ts?: number;
  len?: number;
  type?: number;
  msid?: number;
  /** Extended timestamp field: written after the header, and the 24-bit field set to 0xFFFFFF. */
  ext?: number;
}

function chunk(fmt: number, csid: number, fields: Fields, body: Buffer | number[] = []): Buffer {
  const header = Buffer.alloc([11, 7, 3, 0][fmt]!);
  if (fmt <= 2) header.writeUIntBE(fields.ext !== undefined ? 0xffffff : (fields.ts ?? 0), 0, 3);
  if (fmt <= 1) {
    header.writeUIntBE(fields.len ?? 0, 3, 3);
    header[6] = fields.type ?? 9;
  }
  if (fmt === 0) header.writeUInt32LE(fields.msid ?? 1, 7);
  const ext = Buffer.alloc(fields.ext !== undefined ? 4 : 0);
  if (fields.ext !== undefined) ext.writeUInt32BE(fields.ext);
  return Buffer.concat([basicHeader(fmt, csid), header, ext, Buffer.from(body)]);
}

function bytes(length: number, seed = 1): Buffer {
  return new SeededRandom(seed).bytes(length);
}

function readAll(
  input: Buffer | Buffer[],
  options?: ChunkReaderOptions,
  setup?: (r: ChunkReader) => void,
): RtmpMessage[] {
  const reader = new ChunkReader(options);
  setup?.(reader);
  const out: RtmpMessage[] = [];
  for (const part of Array.isArray(input) ? input : [input]) out.push(...reader.push(part));
  return out;
}

function assertCode(run: () => unknown, code: string): void {
  assert.throws(run, (e: unknown) => e instanceof RtmpProtocolError && e.code === code, `expected ${code}`);
}

describe('ChunkReader', () => {
  it('reads the 1-, 2- and 3-byte basic header forms (RTMP 5.3.1.1)', () => {
    for (const csid of [2, 3, 63, 64, 319, 320, 1000, 65599]) {
      const [message] = readAll(chunk(0, csid, { len: 3, type: 8, msid: 1 }, [1, 2, 3]));
      assert.ok(message);
      assert.equal(message.chunkStreamId, csid);
      assert.deepEqual(message.payload, Buffer.of(1, 2, 3));
    }
  });

  it('applies type 0/1/2/3 headers: absolute timestamp, then deltas; type 3 repeats the last delta', () => {
    const input = Buffer.concat([
      chunk(0, 4, { ts: 1000, len: 4, type: 9, msid: 1 }, [0, 0, 0, 1]),
      chunk(1, 4, { ts: 40, len: 2, type: 8 }, [0, 2]),
      chunk(2, 4, { ts: 33 }, [0, 3]),
      chunk(3, 4, {}, [0, 4]),
    ]);
    const messages = readAll(input);
    assert.deepEqual(
      messages.map((m) => [m.timestamp, m.typeId, m.messageStreamId, m.payload.length]),
      [
        [1000, 9, 1, 4],
        [1040, 8, 1, 2],
        [1073, 8, 1, 2],
        [1106, 8, 1, 2],
      ],
    );
  });

  it('uses the type-0 timestamp as the delta of a following new-message type-3 chunk (RTMP 5.3.1.2.4)', () => {
    const messages = readAll(Buffer.concat([chunk(0, 4, { ts: 20, len: 1 }, [1]), chunk(3, 4, {}, [2])]));
    assert.deepEqual(
      messages.map((m) => m.timestamp),
      [20, 40],
    );
  });

  it('reassembles a multi-chunk message into one buffer and copies a single-chunk one out of the read', () => {
    const body = bytes(300);
    const input = Buffer.concat([
      chunk(0, 3, { ts: 5, len: 300, type: 9 }, body.subarray(0, 128)),
      chunk(3, 3, {}, body.subarray(128, 256)),
      chunk(3, 3, {}, body.subarray(256)),
      chunk(0, 3, { ts: 6, len: 10, type: 9 }, body.subarray(0, 10)),
    ]);
    const [big, small] = readAll(input);
    assert.ok(big);
    assert.ok(small);
    assert.deepEqual(big.payload, body);
    assert.deepEqual(small.payload, body.subarray(0, 10));
    // Neither shares memory with the input: a view would pin the whole socket read.
    input.fill(0);
    assert.deepEqual(big.payload, body);
    assert.deepEqual(small.payload, body.subarray(0, 10));
  });

  it("assembles a connection's multi-chunk messages in shared arena slabs, apart from large ones", () => {
    const first = bytes(300, 2);
    const second = bytes(200, 3);
    const large = bytes(ARENA_MAX_CARVE_BYTES + 1, 4);
    const multiChunk = (ts: number, body: Buffer): Buffer[] => {
      const out = [chunk(0, 4, { ts, len: body.length, type: 9 }, body.subarray(0, 128))];
      for (let at = 128; at < body.length; at += 128) out.push(chunk(3, 4, {}, body.subarray(at, at + 128)));
      return out;
    };
    const input = Buffer.concat([...multiChunk(1, first), ...multiChunk(2, second), ...multiChunk(3, large)]);
    const [a, b, c] = readAll(input);
    assert.deepEqual([a?.payload, b?.payload, c?.payload], [first, second, large]);
    assert.equal(a!.payload.buffer, b!.payload.buffer, 'neighbours share a slab');
    assert.ok(isArenaBacked(a!.payload));
    assert.notEqual(c!.payload.buffer, a!.payload.buffer, 'a large message gets a slab of its own');
    assert.equal(c!.payload.byteOffset, 0);
  });

  it('reads extended timestamps on type 0 and type 1, with the field repeated on continuations', () => {
    const body = bytes(200);
    const input = Buffer.concat([
      chunk(0, 6, { ext: 0x01000000, len: 200, type: 9 }, body.subarray(0, 128)),
      chunk(3, 6, { ext: 0x01000000 }, body.subarray(128)),
      chunk(1, 6, { ext: 0x01000000, len: 1, type: 9 }, [7]), // a delta of 2^24
    ]);
    const messages = readAll(input);
    assert.deepEqual(
      messages.map((m) => m.timestamp),
      [0x01000000, 0x02000000],
    );
    assert.deepEqual(messages[0]!.payload, body);
  });

  it('accepts continuations that omit the repeated extended timestamp', () => {
    const body = bytes(300, 2);
    const input = Buffer.concat([
      chunk(0, 6, { ext: 0xfffffff0, len: 300, type: 9 }, body.subarray(0, 128)),
      chunk(3, 6, {}, body.subarray(128, 256)),
      chunk(3, 6, {}, body.subarray(256)),
    ]);
    const [message] = readAll(input);
    assert.ok(message);
    assert.equal(message.timestamp, 0xfffffff0);
    assert.deepEqual(message.payload, body);
    // and byte by byte, where the 4-byte peek has to wait
    const slices = [...input].map((b) => Buffer.of(b));
    assert.deepEqual(readAll(slices)[0]!.payload, body);
  });

  it('reads the extended field of a type-3 chunk that starts a new message, and wraps at 2^32', () => {
    const input = Buffer.concat([
      chunk(0, 7, { ts: 0xfffffe00, ext: 0xfffffe00, len: 1 }, [1]),
      chunk(1, 7, { ext: 0x01000000, len: 1, type: 9 }, [2]),
      chunk(3, 7, { ext: 0x01000000 }, [3]),
    ]);
    assert.deepEqual(
      readAll(input).map((m) => m.timestamp),
      [0xfffffe00, 0x00fffe00, 0x01fffe00],
    );
  });

  it('separates interleaved messages on different chunk streams', () => {
    const video = bytes(250, 3);
    const audio = bytes(150, 4);
    const input = Buffer.concat([
      chunk(0, 6, { ts: 0, len: 250, type: 9 }, video.subarray(0, 128)),
      chunk(0, 4, { ts: 0, len: 150, type: 8 }, audio.subarray(0, 128)),
      chunk(3, 6, {}, video.subarray(128)),
      chunk(3, 4, {}, audio.subarray(128)),
    ]);
    const messages = readAll(input);
    assert.deepEqual(
      messages.map((m) => m.typeId),
      [9, 8],
    );
    assert.deepEqual(messages[0]!.payload, video);
    assert.deepEqual(messages[1]!.payload, audio);
  });

  it('gives the same messages whatever the read sizes', () => {
    const body = bytes(1000, 5);
    const input = Buffer.concat([
      chunk(0, 6, { ext: 0x01000000, len: 1000, type: 9 }, body.subarray(0, 128)),
      ...Array.from({ length: 7 }, (_, i) =>
        chunk(3, 6, { ext: 0x01000000 }, body.subarray(128 * (i + 1), 128 * (i + 2))),
      ),
      chunk(0, 320, { ts: 3, len: 2, type: 8 }, [1, 2]),
    ]);
    const whole = readAll(input);
    const random = new SeededRandom(6);
    for (let round = 0; round < 20; round++) {
      const slices: Buffer[] = [];
      for (let at = 0; at < input.length;) {
        const size = random.int(1, 40);
        slices.push(input.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(readAll(slices), whole);
    }
  });

  it('applies Set Chunk Size between messages: 1 (when allowed), and 2^31-1; refuses 0 and the high bit', () => {
    const small = Buffer.concat([chunk(0, 3, { len: 3 }, [1]), chunk(3, 3, {}, [2]), chunk(3, 3, {}, [3])]);
    assert.deepEqual(readAll(small, { minChunkSize: 1 }, (r) => r.setChunkSize(1))[0]!.payload, Buffer.of(1, 2, 3));
    const big = bytes(5000, 7);
    assert.deepEqual(readAll(chunk(0, 3, { len: 5000 }, big), {}, (r) => r.setChunkSize(0x7fffffff))[0]!.payload, big);
    assertCode(() => new ChunkReader().setChunkSize(0), 'chunk-size-invalid');
    assertCode(() => new ChunkReader().setChunkSize(0x80000000), 'chunk-size-invalid');
    assertCode(() => new ChunkReader().setChunkSize(0xffffffff), 'chunk-size-invalid');
  });

  it('refuses a Set Chunk Size below minChunkSize (default 64): tiny chunks only multiply header parsing', () => {
    for (const size of [0, 1, 2, 63]) {
      const reader = new ChunkReader();
      assertCode(() => reader.setChunkSize(size), 'chunk-size-invalid');
      assertCode(() => reader.next(), 'chunk-size-invalid'); // the reader stays failed
    }
    const atFloor = new ChunkReader();
    atFloor.setChunkSize(64);
    assert.equal(atFloor.incomingChunkSize, 64);
    const custom = new ChunkReader({ minChunkSize: 1000 });
    assertCode(() => custom.setChunkSize(999), 'chunk-size-invalid');
    custom.setChunkSize(1000);
    assert.equal(custom.incomingChunkSize, 1000);
    // No option lowers the floor below RTMP 5.4.1's own: 0 stays invalid.
    assertCode(() => new ChunkReader({ minChunkSize: 0 }).setChunkSize(0), 'chunk-size-invalid');
  });

  it('fails on a Set Chunk Size message under the floor arriving in the byte stream', () => {
    const reader = new ChunkReader();
    const input = Buffer.concat([
      chunk(0, 2, { len: 4, type: 1, msid: 0 }, [0, 0, 0, 1]),
      chunk(0, 3, { len: 3 }, [1]),
      chunk(3, 3, {}, [2]),
      chunk(3, 3, {}, [3]),
    ]);
    assertCode(() => {
      for (const message of reader.push(input)) {
        if (message.typeId === 1) reader.setChunkSize(message.payload.readUInt32BE(0));
      }
    }, 'chunk-size-invalid');
    assert.equal(reader.incomingChunkSize, 128, 'the refused size is not applied');
  });

  it('applies a chunk size set while handling a message to the very next chunk', () => {
    const reader = new ChunkReader();
    const body = bytes(300, 8);
    const input = Buffer.concat([
      chunk(0, 2, { len: 4, type: 1, msid: 0 }, [0, 0, 4, 0]),
      chunk(0, 3, { len: 300 }, body),
    ]);
    const seen: RtmpMessage[] = [];
    for (const message of reader.push(input)) {
      seen.push(message);
      if (message.typeId === 1) reader.setChunkSize(message.payload.readUInt32BE(0));
    }
    assert.equal(seen.length, 2);
    assert.deepEqual(seen[1]!.payload, body);
  });

  it('refuses a message over the maximum size from its header, before buffering it', () => {
    const reader = new ChunkReader({ maxMessageSize: 1000 });
    assertCode(() => [...reader.push(chunk(0, 3, { len: 1001 }, [1, 2, 3]))], 'message-too-large');
    assert.ok(reader.bufferedBytes < 1001);
    assertCode(() => reader.next(), 'message-too-large'); // the reader stays failed
    const largest = readAll(chunk(0, 3, { len: 1000 }, bytes(1000)), { maxMessageSize: 1000 }, (r) =>
      r.setChunkSize(1000),
    );
    assert.equal(largest.length, 1);
  });

  it('refuses type 1/2/3 chunks on a chunk stream without a previous header', () => {
    for (const fmt of [1, 2, 3]) assertCode(() => readAll(chunk(fmt, 5, { len: 1 }, [1])), 'chunk-no-previous-header');
  });

  it('bounds the number of chunk streams and the bytes of partial messages', () => {
    const many = Buffer.concat(Array.from({ length: 5 }, (_, i) => chunk(0, 3 + i, { len: 1 }, [i])));
    assertCode(() => readAll(many, { maxChunkStreams: 4 }), 'too-many-chunk-streams');
    const partials = Buffer.concat(Array.from({ length: 3 }, (_, i) => chunk(0, 3 + i, { len: 1000 }, bytes(128, i))));
    assertCode(() => readAll(partials, { maxMessageSize: 1000, maxPendingBytes: 2500 }), 'pending-bytes-exceeded');
  });

  it('drops a partial message on Abort (RTMP 5.4.2) and on a new full header', () => {
    const reader = new ChunkReader();
    assert.equal([...reader.push(chunk(0, 4, { len: 200 }, bytes(128)))].length, 0);
    reader.abort(4);
    assert.equal(reader.bufferedBytes, 0);
    const [after] = reader.push(chunk(0, 4, { len: 2 }, [8, 9]));
    assert.deepEqual(after!.payload, Buffer.of(8, 9));

    const restarted = readAll(
      Buffer.concat([chunk(0, 4, { len: 200 }, bytes(128)), chunk(1, 4, { ts: 1, len: 1, type: 8 }, [5])]),
    );
    assert.deepEqual(
      restarted.map((m) => [...m.payload]),
      [[5]],
    );
  });

  it('emits zero-length messages', () => {
    const [message] = readAll(chunk(0, 3, { ts: 9, len: 0, type: 9 }));
    assert.ok(message);
    assert.equal(message.payload.length, 0);
    assert.equal(message.timestamp, 9);
  });
});
