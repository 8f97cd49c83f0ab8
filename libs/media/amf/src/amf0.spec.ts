import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AmfEcmaArray,
  AmfError,
  AmfTypedObject,
  decodeAmf0,
  encodeAmf0,
  toPlainObject,
  type AmfValue,
} from './index.js';

function assertAmfError(run: () => unknown, code: string): void {
  assert.throws(run, (error: unknown) => error instanceof AmfError && error.code === code);
}

/** An AMF0 short string (marker included) written by hand, independent of the encoder under test. */
function str(value: string): Buffer {
  const bytes = Buffer.from(value);
  return Buffer.concat([Buffer.of(0x02, bytes.length >> 8, bytes.length & 0xff), bytes]);
}

function key(value: string): Buffer {
  return str(value).subarray(1);
}

function num(value: number): Buffer {
  const out = Buffer.alloc(9);
  out.writeDoubleBE(value, 1);
  return out;
}

const OBJECT_END = Buffer.of(0x00, 0x00, 0x09);

describe('AMF0 decode', () => {
  it('decodes a connect command as ffmpeg writes it', () => {
    const bytes = Buffer.concat([
      str('connect'),
      num(1),
      Buffer.of(0x03),
      key('app'),
      str('live'),
      key('type'),
      str('nonprivate'),
      key('flashVer'),
      str('FMLE/3.0 (compatible; Lavf59.27.100)'),
      key('tcUrl'),
      str('rtmp://127.0.0.1:1935/live'),
      OBJECT_END,
    ]);
    assert.deepEqual(decodeAmf0(bytes), [
      'connect',
      1,
      {
        app: 'live',
        type: 'nonprivate',
        flashVer: 'FMLE/3.0 (compatible; Lavf59.27.100)',
        tcUrl: 'rtmp://127.0.0.1:1935/live',
      },
    ]);
  });

  it('decodes the scalar types', () => {
    const date = Buffer.alloc(11);
    date[0] = 0x0b;
    date.writeDoubleBE(1_700_000_000_000, 1);
    date.writeInt16BE(-60, 9); // the time zone is ignored (AMF0 2.13)
    const values = decodeAmf0(Buffer.concat([num(-1.5), Buffer.of(0x01, 0x01, 0x01, 0x00, 0x05, 0x06, 0x0d), date]));
    assert.deepEqual(values, [-1.5, true, false, null, undefined, undefined, new Date(1_700_000_000_000)]);
  });

  it('reads an ECMA array by its end marker, not its (often wrong) count', () => {
    const bytes = Buffer.concat([
      Buffer.of(0x08, 0, 0, 0, 7),
      key('width'),
      num(320),
      key('height'),
      num(240),
      OBJECT_END,
    ]);
    const [meta] = decodeAmf0(bytes);
    assert.ok(meta instanceof AmfEcmaArray);
    assert.equal(meta.width, 320);
    assert.deepEqual(toPlainObject(meta), { width: 320, height: 240 });
  });

  it('accepts an ECMA array that runs to the end of the buffer without an end marker', () => {
    const bytes = Buffer.concat([str('onMetaData'), Buffer.of(0x08, 0, 0, 0, 1), key('duration'), num(3)]);
    const [name, meta] = decodeAmf0(bytes);
    assert.equal(name, 'onMetaData');
    assert.deepEqual(toPlainObject(meta), { duration: 3 });
  });

  it('keeps __proto__ as a plain own property instead of changing the prototype', () => {
    const bytes = Buffer.concat([
      Buffer.of(0x03),
      key('__proto__'),
      Buffer.of(0x03),
      key('polluted'),
      Buffer.of(0x01, 0x01),
      OBJECT_END,
      OBJECT_END,
    ]);
    const [value] = decodeAmf0(bytes) as [Record<string, unknown>];
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('decodes strict arrays, long strings, XML documents and typed objects', () => {
    const long = 'x'.repeat(70_000);
    const longBytes = Buffer.alloc(5);
    longBytes[0] = 0x0c;
    longBytes.writeUInt32BE(long.length, 1);
    const values = decodeAmf0(
      Buffer.concat([
        Buffer.of(0x0a, 0, 0, 0, 2),
        num(1),
        str('two'),
        longBytes,
        Buffer.from(long),
        Buffer.of(0x0f, 0, 0, 0, 3),
        Buffer.from('<a/>').subarray(0, 3),
        Buffer.of(0x10),
        key('flash.geom.Point'),
        key('x'),
        num(1),
        OBJECT_END,
      ]),
    );
    assert.deepEqual(values, [[1, 'two'], long, '<a/', new AmfTypedObject('flash.geom.Point', { x: 1 })]);
  });

  it('switches to AMF3 after the avmplus marker (0x11)', () => {
    // 0x11, then an AMF3 anonymous dynamic object { app: "live", objectEncoding: 3 }.
    const bytes = Buffer.concat([
      Buffer.of(0x11, 0x0a, 0x0b, 0x01),
      Buffer.of(0x07),
      Buffer.from('app'),
      Buffer.of(0x06, 0x09),
      Buffer.from('live'),
      Buffer.of(0x1d),
      Buffer.from('objectEncoding'),
      Buffer.of(0x04, 0x03, 0x01),
    ]);
    assert.deepEqual(decodeAmf0(bytes), [{ app: 'live', objectEncoding: 3 }]);
  });

  it('refuses references, reserved and unknown markers, and a stray object end', () => {
    assertAmfError(() => decodeAmf0(Buffer.of(0x07, 0x00, 0x01)), 'amf-reference-unsupported');
    assertAmfError(() => decodeAmf0(Buffer.of(0x04)), 'amf-unsupported-type');
    assertAmfError(() => decodeAmf0(Buffer.of(0x0e)), 'amf-unsupported-type');
    assertAmfError(() => decodeAmf0(Buffer.of(0x12)), 'amf-unknown-marker');
    assertAmfError(() => decodeAmf0(Buffer.of(0x09)), 'amf-unexpected-object-end');
  });

  it('reports truncation at every cut inside a value', () => {
    const full = encodeAmf0({ app: 'live', nested: { list: [1, 'a', null] }, when: new Date(0) });
    for (let cut = 1; cut < full.length; cut++) {
      assert.throws(() => decodeAmf0(full.subarray(0, cut)), AmfError, `cut at ${cut}`);
    }
  });

  it('enforces the limits', () => {
    let nested = encodeAmf0(1);
    for (let i = 0; i < 40; i++) nested = Buffer.concat([Buffer.of(0x0a, 0, 0, 0, 1), nested]);
    assertAmfError(() => decodeAmf0(nested), 'amf-depth-exceeded');
    assert.doesNotThrow(() => decodeAmf0(nested, { maxDepth: 64 }));

    assertAmfError(() => decodeAmf0(encodeAmf0('x'.repeat(100)), { maxStringLength: 99 }), 'amf-string-too-long');
    assertAmfError(() => decodeAmf0(encodeAmf0([1, 2, 3]), { maxEntries: 2 }), 'amf-too-many-entries');
    assertAmfError(() => decodeAmf0(encodeAmf0({ a: 1, b: 2, c: 3 }), { maxEntries: 2 }), 'amf-too-many-entries');
    assertAmfError(() => decodeAmf0(encodeAmf0(1, 2, 3), { maxValues: 2 }), 'amf-too-many-values');
    assertAmfError(() => decodeAmf0(encodeAmf0('abc'), { maxTotalBytes: 5 }), 'amf-input-too-large');
    // A strict array claiming 2^32-1 entries fails fast, before any allocation.
    assertAmfError(
      () => decodeAmf0(Buffer.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x05), { maxEntries: 2 ** 32 }),
      'amf-truncated',
    );
  });
});

describe('AMF0 encode', () => {
  it('round-trips every value type', () => {
    const values: AmfValue[] = [
      0,
      -0.25,
      Number.MAX_SAFE_INTEGER,
      true,
      false,
      '',
      'héllo ✓',
      'y'.repeat(70_000),
      null,
      undefined,
      new Date(1_234_567_890_123),
      [1, [2, [3]], { a: 'b' }],
      { level: 'status', code: 'NetConnection.Connect.Success', objectEncoding: 0, nested: { deep: [null] } },
      AmfEcmaArray.from({ width: 320, height: 240, encoder: 'Lavf' }),
      new AmfTypedObject('com.example.Thing', { id: 7 }),
      Buffer.from([1, 2, 3]),
    ];
    assert.deepEqual(decodeAmf0(encodeAmf0(...values)), values);
  });

  it('writes an ECMA array as 0x08 with its entry count', () => {
    const bytes = encodeAmf0('onMetaData', AmfEcmaArray.from({ width: 320 }));
    const at = 1 + 2 + 'onMetaData'.length;
    assert.equal(bytes[at], 0x08);
    assert.equal(bytes.readUInt32BE(at + 1), 1);
    assert.deepEqual(bytes.subarray(-3), OBJECT_END);
  });

  it('writes the exact bytes of a _result command', () => {
    const expected = Buffer.concat([str('_result'), num(4), Buffer.of(0x05), num(1)]);
    assert.deepEqual(encodeAmf0('_result', 4, null, 1), expected);
  });

  it('refuses values AMF cannot carry, and cycles', () => {
    assertAmfError(() => encodeAmf0((() => 1) as unknown as AmfValue), 'amf-unencodable');
    assertAmfError(() => encodeAmf0(10n as unknown as AmfValue), 'amf-unencodable');
    const cyclic: Record<string, AmfValue> = {};
    cyclic.self = cyclic;
    assertAmfError(() => encodeAmf0(cyclic), 'amf-depth-exceeded');
  });
});
