import { AmfCursor } from './amf-cursor.js';
import { AmfError } from './amf-error.js';
import { resolveAmfLimits, type AmfLimits } from './amf-limits.js';
import { AmfEcmaArray, AmfTypedObject, setOwn, type AmfObject, type AmfValue } from './amf-value.js';
import { Amf3Context, readAmf3Value } from './amf3-decoder.js';

/** AMF0 type markers (AMF0 spec 2.1). */
export const Amf0Marker = {
  Number: 0x00,
  Boolean: 0x01,
  String: 0x02,
  Object: 0x03,
  MovieClip: 0x04,
  Null: 0x05,
  Undefined: 0x06,
  Reference: 0x07,
  EcmaArray: 0x08,
  ObjectEnd: 0x09,
  StrictArray: 0x0a,
  Date: 0x0b,
  LongString: 0x0c,
  Unsupported: 0x0d,
  RecordSet: 0x0e,
  XmlDocument: 0x0f,
  TypedObject: 0x10,
  AvmPlus: 0x11,
} as const;

/**
 * Decodes every AMF0 value in `buffer` (an RTMP command or data message body is a sequence of them).
 * Throws AmfError on malformed input or when a limit is exceeded.
 */
export function decodeAmf0(buffer: Buffer, limits?: Partial<AmfLimits>): AmfValue[] {
  const resolved = resolveAmfLimits(limits);
  const cursor = new AmfCursor(buffer, resolved);
  const values: AmfValue[] = [];
  while (cursor.remaining > 0) values.push(readAmf0Value(cursor));
  return values;
}

/** Decodes one AMF0 value (the marker included). */
export function readAmf0Value(cursor: AmfCursor): AmfValue {
  cursor.countValue();
  const marker = cursor.u8();
  switch (marker) {
    case Amf0Marker.Number:
      return cursor.f64();
    case Amf0Marker.Boolean:
      return cursor.u8() !== 0;
    case Amf0Marker.String:
      return cursor.utf8(cursor.u16());
    case Amf0Marker.Object: {
      const object: AmfObject = {};
      readProperties(cursor, object, false);
      return object;
    }
    case Amf0Marker.Null:
      return null;
    case Amf0Marker.Undefined:
    case Amf0Marker.Unsupported: // AMF0 spec 2.15: "no value"; undefined is the closest JS has.
      return undefined;
    case Amf0Marker.Reference:
      // AMF0 spec 2.9: an index into the complex objects seen so far. No RTMP publisher sends it and
      // supporting it would allow shared/cyclic graphs, so it is refused rather than half-supported.
      throw new AmfError('amf-reference-unsupported', `AMF0 reference at ${cursor.position - 1}`);
    case Amf0Marker.EcmaArray: {
      // AMF0 spec 2.10: the count is only a hint (encoders get it wrong); the end marker terminates.
      cursor.u32();
      const array = new AmfEcmaArray();
      readProperties(cursor, array, true);
      return array;
    }
    case Amf0Marker.ObjectEnd:
      throw new AmfError('amf-unexpected-object-end', `object end marker at ${cursor.position - 1}`);
    case Amf0Marker.StrictArray:
      return readStrictArray(cursor);
    case Amf0Marker.Date: {
      // AMF0 spec 2.13: ms since the epoch, then a time zone that "should be" 0 and is ignored.
      const time = cursor.f64();
      cursor.s16();
      return new Date(time);
    }
    case Amf0Marker.LongString:
    case Amf0Marker.XmlDocument: // AMF0 spec 2.17: XML is a long string; decoded as its text.
      return cursor.utf8(cursor.u32());
    case Amf0Marker.TypedObject: {
      const className = cursor.utf8(cursor.u16());
      const typed = new AmfTypedObject(className);
      readProperties(cursor, typed.properties, false);
      return typed;
    }
    case Amf0Marker.AvmPlus:
      // AMF0 spec 3.1: the next value is AMF3, with its own fresh reference tables.
      return readAmf3Value(cursor, new Amf3Context(cursor.limits.maxReferences));
    case Amf0Marker.MovieClip:
    case Amf0Marker.RecordSet:
      throw new AmfError('amf-unsupported-type', `reserved AMF0 marker 0x${marker.toString(16)}`);
    default:
      throw new AmfError('amf-unknown-marker', `AMF0 marker 0x${marker.toString(16)} at ${cursor.position - 1}`);
  }
}

/**
 * Name/value pairs up to the empty name + object end marker (AMF0 spec 2.5, 2.11). An ECMA array that
 * runs to the very end of the buffer without the end marker is accepted: some encoders omit it.
 */
function readProperties(cursor: AmfCursor, target: object, lenientEnd: boolean): void {
  cursor.enter();
  let count = 0;
  for (;;) {
    if (lenientEnd && cursor.remaining === 0) break;
    const key = cursor.utf8(cursor.u16());
    if (key === '' && cursor.peekU8() === Amf0Marker.ObjectEnd) {
      cursor.u8();
      break;
    }
    cursor.checkEntries(++count);
    setOwn(target, key, readAmf0Value(cursor));
  }
  cursor.leave();
}

/** AMF0 spec 2.12: a u32 count then that many values. Each value takes at least one byte. */
function readStrictArray(cursor: AmfCursor): AmfValue[] {
  const count = cursor.u32();
  cursor.checkEntries(count);
  if (count > cursor.remaining) {
    throw new AmfError('amf-truncated', `strict array of ${count} values in ${cursor.remaining} bytes`);
  }
  cursor.enter();
  const values: AmfValue[] = [];
  for (let i = 0; i < count; i++) values.push(readAmf0Value(cursor));
  cursor.leave();
  return values;
}
