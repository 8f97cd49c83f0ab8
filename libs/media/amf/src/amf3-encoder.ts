import { AmfError } from './amf-error.js';
import { AmfEcmaArray, AmfTypedObject, type AmfValue } from './amf-value.js';
import { AmfWriter, describe } from './amf-writer.js';
import { Amf3Marker } from './amf3-decoder.js';

const INT29_MIN = -0x10000000;
const INT29_MAX = 0x0fffffff;

/**
 * Writes AMF3 values. Enough for tests and for the AMF0 0x11 switch (byte arrays); our RTMP replies
 * themselves are AMF0, which every client accepts. Strings are tabled and referenced; objects are
 * written inline each time (no object or trait references), as anonymous dynamic objects.
 */
export class Amf3Encoder {
  private readonly strings = new Map<string, number>();

  constructor(private readonly writer: AmfWriter) {}

  u29(value: number): void {
    if (value < 0 || value > 0x1fffffff) throw new AmfError('amf-unencodable', `U29 out of range: ${value}`);
    if (value < 0x80) this.writer.u8(value);
    else if (value < 0x4000) this.writer.raw(Buffer.of((value >> 7) | 0x80, value & 0x7f));
    else if (value < 0x200000)
      this.writer.raw(Buffer.of((value >> 14) | 0x80, ((value >> 7) & 0x7f) | 0x80, value & 0x7f));
    else {
      this.writer.raw(
        Buffer.of((value >> 22) | 0x80, ((value >> 15) & 0x7f) | 0x80, ((value >> 8) & 0x7f) | 0x80, value & 0xff),
      );
    }
  }

  /** AMF3 spec 3.8: inline with the low bit set, or a reference to an earlier non-empty string. */
  string(value: string): void {
    const known = this.strings.get(value);
    if (known !== undefined) return this.u29(known << 1);
    const bytes = Buffer.from(value, 'utf8');
    this.u29((bytes.length << 1) | 1);
    this.writer.raw(bytes);
    if (value !== '') this.strings.set(value, this.strings.size);
  }

  value(value: AmfValue): void {
    if (value === undefined) return this.writer.u8(Amf3Marker.Undefined);
    if (value === null) return this.writer.u8(Amf3Marker.Null);
    if (typeof value === 'boolean') return this.writer.u8(value ? Amf3Marker.True : Amf3Marker.False);
    if (typeof value === 'number') return this.number(value);
    if (typeof value === 'string') {
      this.writer.u8(Amf3Marker.String);
      return this.string(value);
    }
    if (value instanceof Date) {
      this.writer.u8(Amf3Marker.Date);
      this.u29(1);
      return this.writer.f64(value.getTime());
    }
    if (Buffer.isBuffer(value)) {
      this.writer.u8(Amf3Marker.ByteArray);
      this.u29((value.length << 1) | 1);
      return this.writer.raw(value);
    }
    if (typeof value !== 'object') throw new AmfError('amf-unencodable', `cannot encode a ${describe(value)}`);
    this.writer.enter();
    if (Array.isArray(value)) this.denseArray(value);
    else if (value instanceof AmfEcmaArray) this.namedArray(value);
    else if (value instanceof AmfTypedObject) this.object(value.className, value.properties);
    else this.object('', value);
    this.writer.leave();
  }

  private number(value: number): void {
    if (Number.isInteger(value) && value >= INT29_MIN && value <= INT29_MAX && !Object.is(value, -0)) {
      this.writer.u8(Amf3Marker.Integer);
      return this.u29(value & 0x1fffffff);
    }
    this.writer.u8(Amf3Marker.Double);
    this.writer.f64(value);
  }

  private denseArray(values: AmfValue[]): void {
    this.writer.u8(Amf3Marker.Array);
    this.u29((values.length << 1) | 1);
    this.string('');
    for (let i = 0; i < values.length; i++) this.value(values[i]);
  }

  private namedArray(entries: AmfEcmaArray): void {
    this.writer.u8(Amf3Marker.Array);
    this.u29(1);
    for (const [key, entry] of Object.entries(entries)) {
      this.string(key);
      this.value(entry);
    }
    this.string('');
  }

  /** AMF3 spec 3.12: U29O 0b1011 = inline object, inline traits, dynamic, no sealed members. */
  private object(className: string, properties: Record<string, AmfValue>): void {
    this.writer.u8(Amf3Marker.Object);
    this.u29(0x0b);
    this.string(className);
    for (const [key, entry] of Object.entries(properties)) {
      if (key === '') throw new AmfError('amf-unencodable', 'AMF3 dynamic member with an empty name');
      this.string(key);
      this.value(entry);
    }
    this.string('');
  }
}

/** Encodes values as one AMF3 sequence sharing one string table. */
export function encodeAmf3(...values: AmfValue[]): Buffer {
  const writer = new AmfWriter();
  const encoder = new Amf3Encoder(writer);
  for (const value of values) encoder.value(value);
  return writer.toBuffer();
}
