import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtmpProtocolError, splitAggregate, splitQuery } from './index.js';

/** An FLV-tag-shaped sub-message (RTMP 7.1.6). */
function tag(typeId: number, timestamp: number, body: number[]): Buffer {
  const header = Buffer.alloc(11);
  header[0] = typeId;
  header.writeUIntBE(body.length, 1, 3);
  header.writeUIntBE(timestamp & 0xffffff, 4, 3);
  header[7] = timestamp >>> 24;
  const back = Buffer.alloc(4);
  back.writeUInt32BE(11 + body.length);
  return Buffer.concat([header, Buffer.from(body), back]);
}

describe('splitAggregate', () => {
  it('splits sub-messages and rebases their timestamps on the aggregate timestamp', () => {
    const payload = Buffer.concat([tag(9, 0x01000000, [0x17, 1]), tag(8, 0x01000028, [0xaf, 1, 2])]);
    const parts = splitAggregate(payload, 5000);
    assert.deepEqual(
      parts.map((p) => [p.typeId, p.timestamp, [...p.payload]]),
      [
        [9, 5000, [0x17, 1]],
        [8, 5040, [0xaf, 1, 2]],
      ],
    );
  });

  it('accepts a missing last back pointer and refuses overruns', () => {
    const payload = tag(9, 0, [1, 2, 3]);
    assert.equal(splitAggregate(payload.subarray(0, -4), 0).length, 1);
    const isMalformed = (e: unknown) => e instanceof RtmpProtocolError && e.code === 'aggregate-malformed';
    assert.throws(() => splitAggregate(payload.subarray(0, 12), 0), isMalformed);
    assert.throws(() => splitAggregate(payload.subarray(0, 5), 0), isMalformed);
  });
});

describe('splitQuery', () => {
  it('splits a stream name or app from its query', () => {
    assert.deepEqual(splitQuery('testkey'), { name: 'testkey', query: {} });
    assert.deepEqual(splitQuery('live/?token=a%20b&x=1'), { name: 'live', query: { token: 'a b', x: '1' } });
    const hostile = splitQuery('k?__proto__=x');
    assert.equal(Object.getPrototypeOf(hostile.query), Object.prototype);
    assert.equal(hostile.query['__proto__'], 'x');
  });
});
