// Parsing of the LL-HLS Delivery Directives a playlist request may carry (RFC 8216bis 6.2.5).
import type { BlockingRequest } from './types.js';

export type DirectiveParseResult = { ok: true; request?: BlockingRequest } | { ok: false; reason: string };

const DECIMAL_INTEGER = /^\d{1,15}$/;

/**
 * `_HLS_msn` / `_HLS_part` query values as received (undefined when absent). A part without an msn is a
 * Bad Request (6.2.5.2); so is anything that is not a decimal-integer (4.2).
 */
export function parseBlockingRequest(msn: string | undefined, part: string | undefined): DirectiveParseResult {
  if (msn === undefined) {
    return part === undefined ? { ok: true } : { ok: false, reason: '_HLS_part without _HLS_msn' };
  }
  if (!DECIMAL_INTEGER.test(msn)) return { ok: false, reason: '_HLS_msn is not a decimal-integer' };
  if (part === undefined) return { ok: true, request: { msn: Number(msn) } };
  if (!DECIMAL_INTEGER.test(part)) return { ok: false, reason: '_HLS_part is not a decimal-integer' };
  return { ok: true, request: { msn: Number(msn), part: Number(part) } };
}

/** 6.2.5.2: "three divided by the Part Target Duration if it is less than one second, or three otherwise". */
export function advancePartLimit(partTargetSeconds: number): number {
  return partTargetSeconds < 1 ? 3 / partTargetSeconds : 3;
}

export type SkipParseResult = { ok: true; skip: boolean } | { ok: false; reason: string };

/**
 * `_HLS_skip` as received: YES asks for a Playlist Delta Update (6.2.5.1). v2 also skips EXT-X-DATERANGE
 * tags; there are none here, so it is the same request. Anything else is a Bad Request.
 */
export function parseSkipRequest(value: string | undefined): SkipParseResult {
  if (value === undefined) return { ok: true, skip: false };
  if (value === 'YES' || value === 'v2') return { ok: true, skip: true };
  return { ok: false, reason: '_HLS_skip must be YES or v2' };
}
