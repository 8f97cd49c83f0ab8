import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmfEcmaArray, AmfError, AmfTypedObject, decodeAmf0, decodeAmf3, encodeAmf3, type AmfValue } from './index.js';

function assertAmfError(run: () => unknown, code: string): void {
  assert.throws(run, (error: unknown) => error instanceof AmfError && error.code === code);
}

/** AMF3 inline string body (U29 length << 1 | 1, bytes), for strings shorter than 64 bytes. */
function s(value: string): Buffer {
  return Buffer.concat([Buffer.of((value.length << 1) | 1), Buffer.from(value)]);
}

describe('AMF3 decode', () => {
  it('decodes U29 integers at every width, with sign extension (AMF3 1.3.1, 3.6)', () => {
    const cases: [number[], number][] = [
      [[0x00], 0],
      [[0x7f], 127],
      [[0x81, 0x00], 128],
      [[0xff, 0x7f], 16_383],
      [[0x81, 0x80, 0x00], 16_384],
      [[0xbf, 0xff, 0xff, 0xff], 0x0fffffff],
      [[0xc0, 0x80, 0x80, 0x00], -0x10000000],
      [[0xff, 0xff, 0xff, 0xff], -1],
    ];
    for (const [bytes, expected] of cases) {
      assert.deepEqual(decodeAmf3(Buffer.of(0x04, ...bytes)), [expected], `bytes ${bytes.join(',')}`);
      assert.deepEqual(encodeAmf3(expected), Buffer.of(0x04, ...bytes), `value ${expected}`);
    }
  });

  it('resolves string references and never tables the empty string', () => {
    // dense array of 3: "abc", "" , ref 0 -> "abc"
    const bytes = Buffer.concat([Buffer.of(0x09, 0x07, 0x01, 0x06), s('abc'), Buffer.of(0x06, 0x01, 0x06, 0x00)]);
    assert.deepEqual(decodeAmf3(bytes), [['abc', '', 'abc']]);
  });

  it('decodes sealed traits and trait references (AMF3 3.12)', () => {
    const bytes = Buffer.concat([
      Buffer.of(0x09, 0x05, 0x01),
      // inline object, inline traits, not dynamic, 2 sealed members: (2 << 4) | 0b0011
      Buffer.of(0x0a, 0x23),
      s('P'),
      s('x'),
      s('y'),
      Buffer.of(0x04, 0x01, 0x04, 0x02),
      // inline object, traits by reference 0: (0 << 2) | 0b01
      Buffer.of(0x0a, 0x01, 0x04, 0x03, 0x04, 0x04),
    ]);
    assert.deepEqual(decodeAmf3(bytes), [
      [new AmfTypedObject('P', { x: 1, y: 2 }), new AmfTypedObject('P', { x: 3, y: 4 })],
    ]);
  });

  it('decodes sealed plus dynamic members of an anonymous object', () => {
    // (1 << 4) | 0b1011: inline, inline traits, dynamic, 1 sealed member
    const bytes = Buffer.concat([
      Buffer.of(0x0a, 0x1b, 0x01),
      s('a'),
      Buffer.of(0x04, 0x05),
      s('b'),
      Buffer.of(0x03, 0x01),
    ]);
    assert.deepEqual(decodeAmf3(bytes), [{ a: 5, b: true }]);
  });

  it('resolves object references to the same instance', () => {
    // array [obj, ref 1]: the array itself is object 0, the inner object is object 1
    const bytes = Buffer.concat([
      Buffer.of(0x09, 0x05, 0x01, 0x0a, 0x0b, 0x01),
      s('k'),
      Buffer.of(0x01, 0x01, 0x0a, 0x02),
    ]);
    const [array] = decodeAmf3(bytes) as [AmfValue[]];
    assert.deepEqual(array, [{ k: null }, { k: null }]);
    assert.equal(array[0], array[1]);
  });

  it('refuses a reference to an object still being decoded (a cycle)', () => {
    assertAmfError(() => decodeAmf3(Buffer.of(0x09, 0x03, 0x01, 0x09, 0x00)), 'amf3-bad-reference');
    assertAmfError(() => decodeAmf3(Buffer.of(0x06, 0x02)), 'amf3-bad-reference');
    assertAmfError(() => decodeAmf3(Buffer.of(0x0a, 0x05)), 'amf3-bad-reference');
  });

  it('decodes an array with named and dense entries as an AmfEcmaArray', () => {
    const bytes = Buffer.concat([
      Buffer.of(0x09, 0x03),
      s('name'),
      Buffer.of(0x06),
      s('v'),
      Buffer.of(0x01, 0x04, 0x09),
    ]);
    const [array] = decodeAmf3(bytes);
    assert.ok(array instanceof AmfEcmaArray);
    assert.deepEqual({ ...array }, { name: 'v', 0: 9 });
  });

  it('decodes dates, byte arrays, doubles and XML', () => {
    const date = Buffer.alloc(10);
    date[0] = 0x08;
    date[1] = 0x01;
    date.writeDoubleBE(86_400_000, 2);
    const double = Buffer.alloc(9);
    double[0] = 0x05;
    double.writeDoubleBE(2.5, 1);
    const bytes = Buffer.concat([
      date,
      Buffer.of(0x0c, 0x07, 1, 2, 3),
      double,
      Buffer.of(0x0b),
      s('<x/>'),
      Buffer.of(0x00, 0x01, 0x02, 0x03),
    ]);
    assert.deepEqual(decodeAmf3(bytes), [
      new Date(86_400_000),
      Buffer.of(1, 2, 3),
      2.5,
      '<x/>',
      undefined,
      null,
      false,
      true,
    ]);
  });

  it('refuses externalizable objects, vectors, dictionaries and unknown markers', () => {
    assertAmfError(
      () => decodeAmf3(Buffer.concat([Buffer.of(0x0a, 0x07), s('flex.messaging.io.ArrayCollection')])),
      'amf-unsupported-type',
    );
    for (const marker of [0x0d, 0x0e, 0x0f, 0x10, 0x11])
      assertAmfError(() => decodeAmf3(Buffer.of(marker)), 'amf-unsupported-type');
    assertAmfError(() => decodeAmf3(Buffer.of(0x12)), 'amf-unknown-marker');
  });

  it('bounds the reference tables and entry counts', () => {
    const strings = Buffer.concat([
      Buffer.of(0x09, 0x07, 0x01),
      ...['a', 'b', 'c'].map((v) => Buffer.concat([Buffer.of(0x06), s(v)])),
    ]);
    assertAmfError(() => decodeAmf3(strings, { maxReferences: 2 }), 'amf3-reference-table-full');
    // a dense array claiming 2^27 entries
    assertAmfError(() => decodeAmf3(Buffer.of(0x09, 0xbf, 0xff, 0xff, 0xff, 0x01)), 'amf-too-many-entries');
    assertAmfError(() => decodeAmf3(Buffer.of(0x0c, 0x81, 0x01)), 'amf-truncated');
  });

  it('round-trips what the encoder writes, also nested in AMF0', () => {
    const values: AmfValue[] = [
      { app: 'live', objectEncoding: 3, nested: { list: [1, 'live', 2.5, -7, 2 ** 40] } },
      AmfEcmaArray.from({ width: 320, height: 240 }),
      new AmfTypedObject('P', { x: 1 }),
      new Date(5),
      Buffer.of(9, 8),
      'live',
    ];
    assert.deepEqual(decodeAmf3(encodeAmf3(...values)), values);
    for (const value of values) {
      assert.deepEqual(decodeAmf0(Buffer.concat([Buffer.of(0x11), encodeAmf3(value)])), [value]);
    }
  });
});
