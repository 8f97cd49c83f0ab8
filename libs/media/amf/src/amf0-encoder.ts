import { AmfError } from './amf-error.js';
import { AmfEcmaArray, AmfTypedObject, type AmfValue } from './amf-value.js';
import { AmfWriter, describe } from './amf-writer.js';
import { Amf0Marker } from './amf0-decoder.js';
import { Amf3Encoder } from './amf3-encoder.js';

/**
 * Encodes values as a sequence of AMF0 values (an RTMP command is `name, transactionId, object, ...`).
 * JS arrays become strict arrays, AmfEcmaArray an ECMA array, AmfTypedObject a typed object, and a
 * Buffer an AMF3 ByteArray behind the 0x11 switch (AMF0 has no byte array).
 */
export function encodeAmf0(...values: AmfValue[]): Buffer {
  const writer = new AmfWriter();
  for (const value of values) writeValue(writer, value);
  return writer.toBuffer();
}

function writeValue(writer: AmfWriter, value: AmfValue): void {
  if (value === undefined) return writer.u8(Amf0Marker.Undefined);
  if (value === null) return writer.u8(Amf0Marker.Null);
  if (typeof value === 'number') {
    writer.u8(Amf0Marker.Number);
    return writer.f64(value);
  }
  if (typeof value === 'boolean') {
    writer.u8(Amf0Marker.Boolean);
    return writer.u8(value ? 1 : 0);
  }
  if (typeof value === 'string') return writeString(writer, value);
  if (value instanceof Date) {
    writer.u8(Amf0Marker.Date);
    writer.f64(value.getTime());
    return writer.s16(0);
  }
  if (Buffer.isBuffer(value)) {
    writer.u8(Amf0Marker.AvmPlus);
    return new Amf3Encoder(writer).value(value);
  }
  if (typeof value !== 'object') throw new AmfError('amf-unencodable', `cannot encode a ${describe(value)}`);
  writer.enter();
  if (Array.isArray(value)) {
    writer.u8(Amf0Marker.StrictArray);
    writer.u32(value.length);
    for (let i = 0; i < value.length; i++) writeValue(writer, value[i]);
  } else if (value instanceof AmfEcmaArray) {
    const entries = Object.entries(value);
    writer.u8(Amf0Marker.EcmaArray);
    writer.u32(entries.length);
    writeProperties(writer, entries);
  } else if (value instanceof AmfTypedObject) {
    writer.u8(Amf0Marker.TypedObject);
    writeKey(writer, value.className);
    writeProperties(writer, Object.entries(value.properties));
  } else {
    writer.u8(Amf0Marker.Object);
    writeProperties(writer, Object.entries(value));
  }
  writer.leave();
}

/** AMF0 spec 2.4 / 2.14: short strings up to 65535 UTF-8 bytes, long strings beyond. */
function writeString(writer: AmfWriter, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length <= 0xffff) {
    writer.u8(Amf0Marker.String);
    writer.u16(bytes.length);
  } else {
    writer.u8(Amf0Marker.LongString);
    writer.u32(bytes.length);
  }
  writer.raw(bytes);
}

function writeKey(writer: AmfWriter, key: string): void {
  const bytes = Buffer.from(key, 'utf8');
  if (bytes.length > 0xffff) throw new AmfError('amf-unencodable', 'property name longer than 65535 bytes');
  writer.u16(bytes.length);
  writer.raw(bytes);
}

/** AMF0 spec 2.5, 2.11: name/value pairs closed by an empty name and the object end marker. */
function writeProperties(writer: AmfWriter, entries: [string, AmfValue][]): void {
  for (const [key, entry] of entries) {
    writeKey(writer, key);
    writeValue(writer, entry);
  }
  writer.raw(Buffer.of(0x00, 0x00, Amf0Marker.ObjectEnd));
}
