import { AmfCursor } from './amf-cursor.js';
import { AmfError } from './amf-error.js';
import { resolveAmfLimits, type AmfLimits } from './amf-limits.js';
import { AmfEcmaArray, AmfTypedObject, setOwn, type AmfObject, type AmfValue } from './amf-value.js';

/** AMF3 type markers (AMF3 spec 3.1). */
export const Amf3Marker = {
  Undefined: 0x00,
  Null: 0x01,
  False: 0x02,
  True: 0x03,
  Integer: 0x04,
  Double: 0x05,
  String: 0x06,
  XmlDocument: 0x07,
  Date: 0x08,
  Array: 0x09,
  Object: 0x0a,
  Xml: 0x0b,
  ByteArray: 0x0c,
} as const;

interface Traits {
  className: string;
  dynamic: boolean;
  members: string[];
}

interface ObjectSlot {
  value: AmfValue;
  /** False while the object's members are being read: a reference to it would build a cycle. */
  complete: boolean;
}

/**
 * The three AMF3 reference tables (AMF3 spec 2.2). One context per AMF3 "message": each AMF0 0x11
 * switch starts a fresh one, as Flash Player and other servers do.
 */
export class Amf3Context {
  readonly strings: string[] = [];
  readonly objects: ObjectSlot[] = [];
  readonly traits: Traits[] = [];

  constructor(private readonly maxReferences: number) {}

  add<T>(table: T[], entry: T): number {
    if (table.length >= this.maxReferences) {
      throw new AmfError('amf3-reference-table-full', `more than ${this.maxReferences} references`);
    }
    return table.push(entry) - 1;
  }
}

/** U29 variable-length integer (AMF3 spec 1.3.1): 7 bits in each of up to 3 bytes, then 8 bits. */
export function readU29(cursor: AmfCursor): number {
  let value = 0;
  for (let i = 0; i < 3; i++) {
    const byte = cursor.u8();
    if ((byte & 0x80) === 0) return (value << 7) | byte;
    value = (value << 7) | (byte & 0x7f);
  }
  return (value << 8) | cursor.u8();
}

function lookup<T>(table: T[], index: number, what: string): T {
  const entry = table[index];
  if (entry === undefined) throw new AmfError('amf3-bad-reference', `${what} reference ${index} of ${table.length}`);
  return entry;
}

/** AMF3 spec 3.8: a string, inline (low bit 1) or by index into the string table. Empty strings are never tabled. */
export function readAmf3String(cursor: AmfCursor, context: Amf3Context): string {
  const header = readU29(cursor);
  if ((header & 1) === 0) return lookup(context.strings, header >>> 1, 'string');
  const length = header >>> 1;
  if (length === 0) return '';
  const value = cursor.utf8(length);
  context.add(context.strings, value);
  return value;
}

function objectReference(context: Amf3Context, index: number): AmfValue {
  const slot = lookup(context.objects, index, 'object');
  if (!slot.complete) throw new AmfError('amf3-bad-reference', `cyclic reference to object ${index}`);
  return slot.value;
}

/** Decodes one AMF3 value (the marker included). */
export function readAmf3Value(cursor: AmfCursor, context: Amf3Context): AmfValue {
  cursor.countValue();
  const marker = cursor.u8();
  switch (marker) {
    case Amf3Marker.Undefined:
      return undefined;
    case Amf3Marker.Null:
      return null;
    case Amf3Marker.False:
      return false;
    case Amf3Marker.True:
      return true;
    case Amf3Marker.Integer: {
      // AMF3 spec 3.6: a 29-bit two's complement integer.
      const raw = readU29(cursor);
      return raw & 0x10000000 ? raw - 0x20000000 : raw;
    }
    case Amf3Marker.Double:
      return cursor.f64();
    case Amf3Marker.String:
      return readAmf3String(cursor, context);
    case Amf3Marker.XmlDocument:
    case Amf3Marker.Xml:
      return readXml(cursor, context);
    case Amf3Marker.Date:
      return readDate(cursor, context);
    case Amf3Marker.Array:
      return readArray(cursor, context);
    case Amf3Marker.Object:
      return readObject(cursor, context);
    case Amf3Marker.ByteArray:
      return readByteArray(cursor, context);
    case 0x0d: // Vector<int>, Vector<uint>, Vector<Number>, Vector<Object>, Dictionary (AMF3 spec 3.15, 3.16):
    case 0x0e: // never sent by RTMP publishers.
    case 0x0f:
    case 0x10:
    case 0x11:
      throw new AmfError('amf-unsupported-type', `AMF3 marker 0x${marker.toString(16)}`);
    default:
      throw new AmfError('amf-unknown-marker', `AMF3 marker 0x${marker.toString(16)} at ${cursor.position - 1}`);
  }
}

/** AMF3 spec 3.9 / 3.13: XML travels as a UTF-8 string, tabled as an object. Decoded as its text. */
function readXml(cursor: AmfCursor, context: Amf3Context): string {
  const header = readU29(cursor);
  if ((header & 1) === 0) {
    const value = objectReference(context, header >>> 1);
    if (typeof value !== 'string') throw new AmfError('amf3-bad-reference', 'XML reference to a non-XML object');
    return value;
  }
  const value = cursor.utf8(header >>> 1);
  context.add(context.objects, { value, complete: true });
  return value;
}

/** AMF3 spec 3.10: milliseconds since the epoch as a double; the time zone is not sent. */
function readDate(cursor: AmfCursor, context: Amf3Context): Date {
  const header = readU29(cursor);
  if ((header & 1) === 0) {
    const value = objectReference(context, header >>> 1);
    if (!(value instanceof Date)) throw new AmfError('amf3-bad-reference', 'Date reference to a non-Date');
    return value;
  }
  const value = new Date(cursor.f64());
  context.add(context.objects, { value, complete: true });
  return value;
}

/** AMF3 spec 3.14. The result is a view into the input buffer, not a copy. */
function readByteArray(cursor: AmfCursor, context: Amf3Context): Buffer {
  const header = readU29(cursor);
  if ((header & 1) === 0) {
    const value = objectReference(context, header >>> 1);
    if (!Buffer.isBuffer(value)) throw new AmfError('amf3-bad-reference', 'ByteArray reference to a non-ByteArray');
    return value;
  }
  const value = cursor.bytes(header >>> 1);
  context.add(context.objects, { value, complete: true });
  return value;
}

/**
 * AMF3 spec 3.11: named (associative) entries up to an empty name, then `count` dense entries.
 * Dense-only arrays become JS arrays; any named entry makes it an AmfEcmaArray keyed '0', '1', ...
 */
function readArray(cursor: AmfCursor, context: Amf3Context): AmfValue {
  const header = readU29(cursor);
  if ((header & 1) === 0) return objectReference(context, header >>> 1);
  const denseCount = header >>> 1;
  cursor.checkEntries(denseCount);
  const slot: ObjectSlot = { value: undefined, complete: false };
  context.add(context.objects, slot);
  cursor.enter();
  let named: AmfEcmaArray | undefined;
  let namedCount = 0;
  for (;;) {
    const key = readAmf3String(cursor, context);
    if (key === '') break;
    cursor.checkEntries(++namedCount + denseCount);
    named ??= new AmfEcmaArray();
    setOwn(named, key, readAmf3Value(cursor, context));
  }
  const dense: AmfValue[] = [];
  for (let i = 0; i < denseCount; i++) dense.push(readAmf3Value(cursor, context));
  cursor.leave();
  if (named) dense.forEach((value, index) => setOwn(named, String(index), value));
  slot.value = named ?? dense;
  slot.complete = true;
  return slot.value;
}

function readTraits(cursor: AmfCursor, context: Amf3Context, header: number): Traits {
  if ((header & 2) === 0) return lookup(context.traits, header >>> 2, 'traits');
  // AMF3 spec 3.12: externalizable objects carry a class-defined body we cannot parse.
  if (header & 4) throw new AmfError('amf-unsupported-type', 'externalizable AMF3 object');
  const dynamic = (header & 8) !== 0;
  const sealedCount = header >>> 4;
  cursor.checkEntries(sealedCount);
  const className = readAmf3String(cursor, context);
  const members: string[] = [];
  for (let i = 0; i < sealedCount; i++) members.push(readAmf3String(cursor, context));
  const traits = { className, dynamic, members };
  context.add(context.traits, traits);
  return traits;
}

/** AMF3 spec 3.12: traits (inline or by reference), sealed member values, then dynamic members. */
function readObject(cursor: AmfCursor, context: Amf3Context): AmfValue {
  const header = readU29(cursor);
  if ((header & 1) === 0) return objectReference(context, header >>> 1);
  const traits = readTraits(cursor, context, header);
  const properties: AmfObject = {};
  const value = traits.className ? new AmfTypedObject(traits.className, properties) : properties;
  const slot: ObjectSlot = { value, complete: false };
  context.add(context.objects, slot);
  cursor.enter();
  for (const member of traits.members) setOwn(properties, member, readAmf3Value(cursor, context));
  if (traits.dynamic) {
    let count = traits.members.length;
    for (;;) {
      const key = readAmf3String(cursor, context);
      if (key === '') break;
      cursor.checkEntries(++count);
      setOwn(properties, key, readAmf3Value(cursor, context));
    }
  }
  cursor.leave();
  slot.complete = true;
  return value;
}

/** Decodes every AMF3 value in `buffer` with one set of reference tables. */
export function decodeAmf3(buffer: Buffer, limits?: Partial<AmfLimits>): AmfValue[] {
  const resolved = resolveAmfLimits(limits);
  const cursor = new AmfCursor(buffer, resolved);
  const context = new Amf3Context(resolved.maxReferences);
  const values: AmfValue[] = [];
  while (cursor.remaining > 0) values.push(readAmf3Value(cursor, context));
  return values;
}
