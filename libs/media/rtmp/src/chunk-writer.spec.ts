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
