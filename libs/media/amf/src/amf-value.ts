/**
 * What AMF decodes to and encodes from. Plain JS values where JS has one; two small classes where
 * the wire form matters for a round trip (an ECMA array is not an object to a Flash client, and
 * `onMetaData` is conventionally an ECMA array).
 */
export type AmfValue =
  number | boolean | string | null | undefined | Date | Buffer | AmfValue[] | AmfEcmaArray | AmfTypedObject | AmfObject;

export interface AmfObject {
  [key: string]: AmfValue;
}

/**
 * An associative array (AMF0 0x08, or an AMF3 array with named entries). Its entries are own
 * properties, so `meta.width` reads as on a plain object; `instanceof` tells the encoder to write 0x08.
 */
export class AmfEcmaArray {
  [key: string]: AmfValue;

  static from(entries: Record<string, AmfValue>): AmfEcmaArray {
    const array = new AmfEcmaArray();
    for (const [key, value] of Object.entries(entries)) setOwn(array, key, value);
    return array;
  }
}

/** An object with an ActionScript class name (AMF0 0x10, or an AMF3 object with non-empty class name). */
export class AmfTypedObject {
  constructor(
    readonly className: string,
    readonly properties: AmfObject = {},
  ) {}
}

/**
 * Defines an own, enumerable property even for keys like `__proto__`: a plain assignment would
 * change the prototype of the decoded object instead (prototype pollution from the wire).
 */
export function setOwn(target: object, key: string, value: AmfValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A shallow plain-object copy of an object-like AMF value (object, ECMA array, typed object). */
export function toPlainObject(value: AmfValue): AmfObject | undefined {
  if (value instanceof AmfTypedObject) return toPlainObject(value.properties);
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value) || value instanceof Date || Buffer.isBuffer(value)) return undefined;
  const plain: AmfObject = {};
  for (const [key, entry] of Object.entries(value)) setOwn(plain, key, entry);
  return plain;
}
