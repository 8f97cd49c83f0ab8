import { MediaFormatError } from '@rapidrtmp/media-core';

/** H.264 nal_unit_type values (H.264 Table 7-1) that the pipeline looks at. */
export const AVC_NAL = { slice: 1, idr: 5, sei: 6, sps: 7, pps: 8, aud: 9, endOfSequence: 10 } as const;
/** H.265 nal_unit_type values (H.265 Table 7-1); 16..23 are IRAP pictures (BLA, IDR, CRA, reserved). */
export const HEVC_NAL = {
  irapFirst: 16,
  idrWRadl: 19,
  idrNLp: 20,
  cra: 21,
  irapLast: 23,
  vps: 32,
  sps: 33,
  pps: 34,
  aud: 35,
} as const;

// An empty NAL unit reads as type 0 (unspecified), as `undefined & 0x1f` did before the index checks.
export const avcNalType = (nal: Buffer): number => (nal[0] ?? 0) & 0x1f;
export const hevcNalType = (nal: Buffer): number => ((nal[0] ?? 0) >> 1) & 0x3f;

function readLength(payload: Buffer, offset: number, lengthSize: number): number {
  switch (lengthSize) {
    case 4:
      return payload.readUInt32BE(offset);
    case 2:
      return payload.readUInt16BE(offset);
    case 1:
      return payload.readUInt8(offset);
    default:
      throw new MediaFormatError('nal-length-size-invalid', `NAL length size ${lengthSize}`);
  }
}

/**
 * True when `payload` is exactly a run of `lengthSize`-byte big-endian lengths each followed by that
 * many bytes (ISO/IEC 14496-15 5.3.2 sample format). No allocation.
 */
export function isLengthPrefixed(payload: Buffer, lengthSize: number): boolean {
  let offset = 0;
  while (offset + lengthSize <= payload.length) {
    offset += lengthSize + readLength(payload, offset, lengthSize);
  }
  return offset === payload.length;
}

/**
 * Calls `visit` with each NAL unit of a length-prefixed (AVCC/HVCC) payload, as a view (no copy).
 * A length that runs past the end is `nal-length-invalid`; zero-length units are skipped.
 */
export function forEachNalUnit(payload: Buffer, lengthSize: number, visit: (nal: Buffer) => void): void {
  let offset = 0;
  while (offset < payload.length) {
    if (offset + lengthSize > payload.length) {
      throw new MediaFormatError('nal-length-invalid', `${payload.length - offset} trailing bytes at ${offset}`);
    }
    const length = readLength(payload, offset, lengthSize);
    const start = offset + lengthSize;
    if (start + length > payload.length) {
      throw new MediaFormatError(
        'nal-length-invalid',
        `NAL of ${length} bytes at ${offset} overruns ${payload.length}`,
      );
    }
    if (length > 0) visit(payload.subarray(start, start + length));
    offset = start + length;
  }
}

/** The NAL units of a length-prefixed payload, as views. */
export function splitNalUnits(payload: Buffer, lengthSize: number): Buffer[] {
  const units: Buffer[] = [];
  forEachNalUnit(payload, lengthSize, (nal) => units.push(nal));
  return units;
}

/** True when any NAL unit matches; stops at the first. */
function someNalUnit(payload: Buffer, lengthSize: number, test: (nal: Buffer) => boolean): boolean {
  let offset = 0;
  while (offset + lengthSize <= payload.length) {
    const length = readLength(payload, offset, lengthSize);
    const start = offset + lengthSize;
    if (start + length > payload.length) break;
    if (length > 0 && test(payload.subarray(start, start + length))) return true;
    offset = start + length;
  }
  return false;
}

/** An AVC access unit with an IDR slice (nal_unit_type 5) is a random access point. */
export function containsAvcIdr(payload: Buffer, lengthSize: number): boolean {
  return someNalUnit(payload, lengthSize, (nal) => avcNalType(nal) === AVC_NAL.idr);
}

/** An HEVC access unit with an IRAP picture (nal_unit_type 16..23: BLA, IDR, CRA) is a random access point. */
export function containsHevcIrap(payload: Buffer, lengthSize: number): boolean {
  return someNalUnit(payload, lengthSize, (nal) => {
    const type = hevcNalType(nal);
    return type >= HEVC_NAL.irapFirst && type <= HEVC_NAL.irapLast;
  });
}

/** True when the payload opens with an Annex-B start code (00 00 01 or 00 00 00 01). */
export function startsWithStartCode(payload: Buffer): boolean {
  if (payload.length < 3 || payload[0] !== 0 || payload[1] !== 0) return false;
  return payload[2] === 1 || (payload[2] === 0 && payload.length >= 4 && payload[3] === 1);
}

export type NalFraming = 'length-prefixed' | 'annex-b' | 'invalid';

/**
 * Tells how a video payload is framed. A 4-byte length of 256..511 also starts with 00 00 01, so the
 * length-prefixed reading wins whenever it tiles the payload exactly; only then is a start code trusted.
 */
export function detectNalFraming(payload: Buffer, lengthSize: number): NalFraming {
  if (isLengthPrefixed(payload, lengthSize)) return 'length-prefixed';
  return startsWithStartCode(payload) ? 'annex-b' : 'invalid';
}

/**
 * NAL units of an Annex-B byte stream (H.264 Annex B), as views: split at each 00 00 01, with the
 * zero bytes before a start code (4-byte start codes, trailing_zero_8bits) left out.
 */
export function splitAnnexB(payload: Buffer): Buffer[] {
  const units: Buffer[] = [];
  let start = -1;
  let i = 0;
  while (i + 2 < payload.length) {
    const third = payload.readUInt8(i + 2); // in range: the loop condition
    if (third > 1) {
      i += 3; // no start code can end within the next two positions
    } else if (payload[i] === 0 && payload[i + 1] === 0 && third === 1) {
      if (start >= 0) units.push(trimTrailingZeros(payload, start, i));
      start = i + 3;
      i += 3;
    } else {
      i++;
    }
  }
  if (start >= 0) units.push(trimTrailingZeros(payload, start, payload.length));
  return units.filter((nal) => nal.length > 0);
}

function trimTrailingZeros(payload: Buffer, start: number, end: number): Buffer {
  while (end > start && payload[end - 1] === 0) end--;
  return payload.subarray(start, end);
}

/**
 * Rewrites an Annex-B payload as length-prefixed NAL units in one allocation (for the rare encoder that
 * sends start codes inside FLV). A NAL unit too long for `lengthSize` is `nal-too-long`.
 */
export function annexBToLengthPrefixed(payload: Buffer, lengthSize: number): Buffer {
  const units = splitAnnexB(payload);
  const maxLength = lengthSize === 4 ? 0xffffffff : 2 ** (8 * lengthSize) - 1;
  let total = 0;
  for (const nal of units) {
    if (nal.length > maxLength)
      throw new MediaFormatError('nal-too-long', `${nal.length} bytes for ${lengthSize}-byte lengths`);
    total += lengthSize + nal.length;
  }
  const out = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const nal of units) {
    out.writeUIntBE(nal.length, offset, lengthSize);
    nal.copy(out, offset + lengthSize);
    offset += lengthSize + nal.length;
  }
  return out;
}
