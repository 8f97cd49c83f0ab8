import { AV1_OBU, HEVC_NAL, hevcNalType, readObus, splitAnnexB } from '@rapidrtmp/codecs';

/**
 * Builders for FLV / Enhanced RTMP tag bodies, for specs: ffmpeg 5.1 cannot send E-RTMP, so the specs
 * wrap real elementary-stream bytes in headers laid out as the Veovera E-RTMP v2 spec describes.
 */

function si24(value: number): Buffer {
  const out = Buffer.alloc(3);
  out.writeIntBE(value, 0, 3);
  return out;
}

/** Legacy AVC (codec id 7) or id-12 HEVC video tag: frame type/codec, AVCPacketType, SI24 CTS, data. */
export function legacyVideoTag(opts: {
  key: boolean;
  codecId?: number;
  packetType: number;
  cts?: number;
  data: Buffer;
}): Buffer {
  const first = ((opts.key ? 1 : 2) << 4) | (opts.codecId ?? 7);
  return Buffer.concat([Buffer.from([first, opts.packetType]), si24(opts.cts ?? 0), opts.data]);
}

/** E-RTMP ExVideoTagHeader: IsExHeader | frame type | packet type, FourCC, [SI24 CTS], data. */
export function exVideoTag(opts: {
  frameType: number;
  packetType: number;
  fourCc: string;
  cts?: number;
  data: Buffer;
  modEx?: { type: number; data: Buffer };
}): Buffer {
  const parts: Buffer[] = [];
  if (opts.modEx) {
    // ModEx prelude: header says ModEx (7), then size-1, data, (modExType << 4 | real packet type)
    parts.push(Buffer.from([0x80 | (opts.frameType << 4) | 7, opts.modEx.data.length - 1]));
    parts.push(opts.modEx.data, Buffer.from([(opts.modEx.type << 4) | opts.packetType]));
  } else {
    parts.push(Buffer.from([0x80 | (opts.frameType << 4) | opts.packetType]));
  }
  parts.push(Buffer.from(opts.fourCc, 'latin1'));
  if (opts.cts !== undefined) parts.push(si24(opts.cts));
  parts.push(opts.data);
  return Buffer.concat(parts);
}

/** E-RTMP ExAudioTagHeader: SoundFormat 9 | packet type, FourCC, data. */
export function exAudioTag(packetType: number, fourCc: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x90 | packetType]), Buffer.from(fourCc, 'latin1'), data]);
}

/** Length-prefixed (4-byte) access unit from NAL units. */
export function lengthPrefixed(units: Buffer[], lengthSize = 4): Buffer {
  return Buffer.concat(
    units.flatMap((nal) => {
      const length = Buffer.alloc(lengthSize);
      length.writeUIntBE(nal.length, 0, lengthSize);
      return [length, nal];
    }),
  );
}

/**
 * Cuts an HEVC Annex-B elementary stream into access units (4-byte length-prefixed), dropping the
 * in-band parameter sets the way an hvc1 stream carries them in the record instead. A new AU starts at
 * an AUD, or at a VPS/SPS/PPS/VCL unit once the current AU already has a picture (one slice each here).
 */
export function hevcAccessUnits(annexB: Buffer): Buffer[] {
  const units: Buffer[][] = [];
  let current: Buffer[] = [];
  let hasPicture = false;
  const flush = (): void => {
    if (current.length > 0) units.push(current);
    current = [];
    hasPicture = false;
  };
  for (const nal of splitAnnexB(annexB)) {
    const type = hevcNalType(nal);
    const vcl = type < 32;
    if (type === HEVC_NAL.aud || (hasPicture && (vcl || type === HEVC_NAL.vps))) flush();
    if (vcl) hasPicture = true;
    if (type !== HEVC_NAL.vps && type !== HEVC_NAL.sps && type !== HEVC_NAL.pps) current.push(nal);
  }
  flush();
  return units.map((au) => lengthPrefixed(au));
}

/** Cuts an AV1 low-overhead OBU stream into temporal units, without the temporal delimiters (as in MP4). */
export function av1TemporalUnits(obuStream: Buffer): Buffer[] {
  const units: Buffer[][] = [];
  for (const obu of readObus(obuStream)) {
    if (obu.type === AV1_OBU.temporalDelimiter) units.push([]);
    else units[units.length - 1]?.push(obu.data);
  }
  return units.map((obus) => Buffer.concat(obus));
}
