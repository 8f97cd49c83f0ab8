// The value types of RFC 8216bis 4.2, each read strictly and written in one form. `what` names the tag and
// attribute for the error message ("EXT-X-PART DURATION").
import { invalid } from './playlist-error.js';

/** Up to 15 digits: every decimal-integer the model accepts is a safe JavaScript integer. */
const DECIMAL_INTEGER = /^\d{1,15}$/;
/** decimal-floating-point: characters [0-9] and one [.]. */
const DECIMAL_FLOAT = /^(?:\d{1,15}(?:\.\d{0,15})?|\.\d{1,15})$/;
const SIGNED_DECIMAL_FLOAT = /^-?(?:\d{1,15}(?:\.\d{0,15})?|\.\d{1,15})$/;
const RESOLUTION = /^(\d{1,6})x(\d{1,6})$/;
const BYTE_RANGE = /^(\d{1,15})(?:@(\d{1,15}))?$/;
/** ISO/IEC 8601 date-time with seconds, as 4.4.4.6 EXT-X-PROGRAM-DATE-TIME requires (fraction and zone optional). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export function readInteger(text: string, line: number, what: string): number {
  if (!DECIMAL_INTEGER.test(text)) throw invalid(line, what, 'not a decimal-integer');
  return Number(text);
}

export function readFloat(text: string, line: number, what: string): number {
  if (!DECIMAL_FLOAT.test(text)) throw invalid(line, what, 'not a decimal-floating-point');
  return Number(text);
}

export function readSignedFloat(text: string, line: number, what: string): number {
  if (!SIGNED_DECIMAL_FLOAT.test(text)) throw invalid(line, what, 'not a signed-decimal-floating-point');
  return Number(text);
}

/** A decimal-floating-point with a fixed number of decimals (the precision is each tag's choice). */
export function formatDecimal(value: number, places: number): string {
  return value.toFixed(places);
}

export interface Resolution {
  width: number;
  height: number;
}

export function readResolution(text: string, line: number, what: string): Resolution {
  const m = RESOLUTION.exec(text);
  if (!m) throw invalid(line, what, 'not a decimal-resolution');
  return { width: Number(m[1]), height: Number(m[2]) };
}

export const formatResolution = (r: Resolution): string => `${r.width}x${r.height}`;

/** `<length>[@<offset>]` (4.4.4.2 EXT-X-BYTERANGE, and the BYTERANGE attributes of EXT-X-MAP and EXT-X-PART). */
export interface ByteRange {
  length: number;
  offset?: number;
}

export function readByteRange(text: string, line: number, what: string): ByteRange {
  const m = BYTE_RANGE.exec(text);
  if (!m) throw invalid(line, what, 'not a byte range');
  return m[2] === undefined ? { length: Number(m[1]) } : { length: Number(m[1]), offset: Number(m[2]) };
}

export const formatByteRange = (r: ByteRange): string =>
  r.offset === undefined ? `${r.length}` : `${r.length}@${r.offset}`;

/**
 * A date-time as milliseconds since the epoch. Digits past the millisecond are dropped; no zone means UTC.
 * Written back as `toISOString()` (UTC, milliseconds), which is what the server writes.
 */
export function readDateTime(text: string, line: number, what: string): number {
  const m = DATE_TIME.exec(text);
  if (!m) throw invalid(line, what, 'not an ISO 8601 date-time');
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    throw invalid(line, what, 'date-time out of range');
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    offsetMinutes = zone[0] === '-' ? -minutes : minutes;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

export const formatDateTime = (epochMs: number): string => new Date(epochMs).toISOString();
