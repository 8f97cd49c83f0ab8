import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  abortMessage,
  acknowledgementMessage,
  decodeControlMessage,
  RtmpProtocolError,
  setChunkSizeMessage,
  setPeerBandwidthMessage,
  userControlMessage,
  windowAckSizeMessage,
  type RtmpMessage,
  type UserControl,
} from './index.js';

const decode = (message: RtmpMessage) => decodeControlMessage(message.typeId, message.payload);

describe('control messages', () => {
  it('encode on chunk stream 2, message stream 0, with the RTMP 5.4 layouts', () => {
    const message = setChunkSizeMessage(4096);
    assert.equal(message.chunkStreamId, 2);
    assert.equal(message.messageStreamId, 0);
    assert.deepEqual(message.payload, Buffer.of(0, 0, 0x10, 0));
    assert.deepEqual(setPeerBandwidthMessage(2_500_000, 'dynamic').payload, Buffer.of(0x00, 0x26, 0x25, 0xa0, 2));
    assert.deepEqual(userControlMessage({ event: 'stream-begin', streamId: 1 }).payload, Buffer.of(0, 0, 0, 0, 0, 1));
  });

  it('round-trip every message and user control event', () => {
    assert.deepEqual(decode(setChunkSizeMessage(60000)), { type: 'set-chunk-size', chunkSize: 60000 });
    assert.deepEqual(decode(abortMessage(6)), { type: 'abort', chunkStreamId: 6 });
    assert.deepEqual(decode(acknowledgementMessage(0xfffffffe)), {
      type: 'acknowledgement',
      sequenceNumber: 0xfffffffe,
    });
    assert.deepEqual(decode(windowAckSizeMessage(2_500_000)), { type: 'window-ack-size', windowSize: 2_500_000 });
    for (const limit of ['hard', 'soft', 'dynamic'] as const) {
      assert.deepEqual(decode(setPeerBandwidthMessage(1000, limit)), {
        type: 'set-peer-bandwidth',
        windowSize: 1000,
        limit,
      });
    }
    const controls: UserControl[] = [
      { event: 'stream-begin', streamId: 1 },
      { event: 'stream-eof', streamId: 1 },
      { event: 'stream-dry', streamId: 2 },
      { event: 'stream-is-recorded', streamId: 3 },
      { event: 'set-buffer-length', streamId: 1, bufferLengthMs: 3000 },
      { event: 'ping-request', timestamp: 123456 },
      { event: 'ping-response', timestamp: 123456 },
      { event: 'unknown', type: 31, data: Buffer.of(1, 2) },
    ];
    for (const control of controls)
      assert.deepEqual(decode(userControlMessage(control)), { type: 'user-control', control });
  });

  it('refuses truncated payloads and ignores non-control types', () => {
    for (const [type, payload] of [
      [1, Buffer.of(0, 0, 1)],
      [2, Buffer.alloc(0)],
      [3, Buffer.of(1)],
      [4, Buffer.of(0)],
      [4, Buffer.of(0, 6, 0, 0)],
      [4, Buffer.of(0, 3, 0, 0, 0, 1, 0)],
      [5, Buffer.of(1, 2)],
      [6, Buffer.of(1, 2, 3)],
    ] as const) {
      assert.throws(
        () => decodeControlMessage(type, payload),
        (e: unknown) => e instanceof RtmpProtocolError && e.code === 'control-message-invalid',
      );
    }
    assert.equal(decodeControlMessage(9, Buffer.alloc(4)), undefined);
  });
});
