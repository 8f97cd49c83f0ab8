import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkReader, ChunkWriter, type RtmpMessage } from './index.js';
import { SeededRandom } from '@rapidrtmp/media-core/testing';

describe('ChunkWriter', () => {
  it('writes a type-0 chunk then type-3 continuations (RTMP 5.3.1)', () => {
    const writer = new ChunkWriter();
    const payload = Buffer.alloc(130, 0xab);
    const bytes = writer.write({ chunkStreamId: 3, typeId: 20, messageStreamId: 1, timestamp: 0x123456, payload });
    assert.deepEqual(bytes.subarray(0, 12), Buffer.from('03123456000082140100000000', 'hex').subarray(0, 12));
    assert.equal(bytes[12 + 128], 0xc3);
    assert.equal(bytes.length, 12 + 130 + 1);
  });

  it('repeats the extended timestamp on every continuation', () => {
    const writer = new ChunkWriter();
    const bytes = writer.write({
      chunkStreamId: 4,
      typeId: 9,
      messageStreamId: 1,
      timestamp: 0xffffff,
      payload: Buffer.alloc(200),
    });
    assert.equal(bytes.readUIntBE(1, 3), 0xffffff);
    assert.equal(bytes.readUInt32BE(12), 0xffffff);
    assert.equal(bytes[16 + 128], 0xc4);
    assert.equal(bytes.readUInt32BE(16 + 128 + 1), 0xffffff);
  });

  it('round-trips through the reader at any chunk size and chunk stream id', () => {
    const random = new SeededRandom(11);
    for (let round = 0; round < 200; round++) {
      const chunkSize = random.pick([1, 2, 127, 128, 129, 4096, 0x7fffffff]);
      const writer = new ChunkWriter();
      // The writer may use any legal size; the reader's anti-abuse floor is lifted to check them all.
      const reader = new ChunkReader({ minChunkSize: 1 });
      writer.setChunkSize(chunkSize);
      reader.setChunkSize(chunkSize);
      const message: RtmpMessage = {
        chunkStreamId: random.pick([2, 63, 64, 319, 320, 65599]),
        typeId: random.int(1, 22),
        messageStreamId: random.int(0, 0xffffffff),
        timestamp: random.pick([0, 1, 0xfffffe, 0xffffff, 0x1000000, 0xffffffff]),
        payload: random.bytes(random.int(0, 600)),
      };
      assert.deepEqual([...reader.push(writer.write(message))], [message]);
    }
  });
});

describe('ChunkWriter.writeParts', () => {
  it('chunks a multi-buffer payload into headers and views, byte-identical to write()', () => {
    const random = new SeededRandom(12);
    for (let round = 0; round < 200; round++) {
      const chunkSize = random.pick([1, 2, 5, 128, 4096]);
      const writer = new ChunkWriter();
      writer.setChunkSize(chunkSize);
      // Buffer.alloc never uses the shared allocation pool our headers may come from: identity means a view.
      const parts = Array.from({ length: random.int(0, 4) }, () => {
        const bytes = random.bytes(random.int(0, 300));
        return Buffer.alloc(bytes.length, bytes);
      });
      const header = {
        chunkStreamId: random.pick([3, 64, 400]),
        typeId: 9,
        messageStreamId: 1,
        timestamp: random.pick([0, 0xffffff, 0xffffffff]),
      };
      const out = writer.writeParts({ ...header, payload: parts });
      const payload = Buffer.concat(parts);
      assert.deepEqual(Buffer.concat(out), writer.write({ ...header, payload }));
      const copied = out.filter((b) => parts.some((p) => b.buffer === p.buffer)).reduce((n, b) => n + b.length, 0);
      assert.equal(copied, payload.length, 'every payload byte goes out as a view of its buffer');
      const reader = new ChunkReader({ minChunkSize: 1 });
      reader.setChunkSize(chunkSize);
      assert.deepEqual([...reader.push(Buffer.concat(out))], [{ ...header, payload }]);
    }
  });

  it('refuses a payload past the 24-bit message length', () => {
    const writer = new ChunkWriter();
    const big = Buffer.alloc(0x800000);
    assert.throws(
      () => writer.writeParts({ chunkStreamId: 6, typeId: 9, messageStreamId: 1, timestamp: 0, payload: [big, big] }),
      RangeError,
    );
  });
});
