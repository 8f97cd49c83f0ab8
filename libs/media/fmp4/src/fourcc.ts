/** A four-character code as the big-endian u32 it is written as (ISO/IEC 14496-12 4.2 `type`). */
export type FourCC = number;

export function fourcc(code: string): FourCC {
  return (
    ((code.charCodeAt(0) << 24) | (code.charCodeAt(1) << 16) | (code.charCodeAt(2) << 8) | code.charCodeAt(3)) >>> 0
  );
}

/** Every box type and brand the writer emits, computed once at load (hls.js mp4-generator style). */
export const BOX = {
  ftyp: fourcc('ftyp'),
  styp: fourcc('styp'),
  moov: fourcc('moov'),
  mvhd: fourcc('mvhd'),
  trak: fourcc('trak'),
  tkhd: fourcc('tkhd'),
  mdia: fourcc('mdia'),
  mdhd: fourcc('mdhd'),
  hdlr: fourcc('hdlr'),
  minf: fourcc('minf'),
  vmhd: fourcc('vmhd'),
  smhd: fourcc('smhd'),
  dinf: fourcc('dinf'),
  dref: fourcc('dref'),
  url: fourcc('url '),
  stbl: fourcc('stbl'),
  stsd: fourcc('stsd'),
  stts: fourcc('stts'),
  stsc: fourcc('stsc'),
  stsz: fourcc('stsz'),
  stco: fourcc('stco'),
  avc1: fourcc('avc1'),
  avcC: fourcc('avcC'),
  hvc1: fourcc('hvc1'),
  hev1: fourcc('hev1'),
  hvcC: fourcc('hvcC'),
  av01: fourcc('av01'),
  av1C: fourcc('av1C'),
  vp09: fourcc('vp09'),
  vpcC: fourcc('vpcC'),
  mp4a: fourcc('mp4a'),
  esds: fourcc('esds'),
  Opus: fourcc('Opus'),
  dOps: fourcc('dOps'),
  pasp: fourcc('pasp'),
  btrt: fourcc('btrt'),
  mvex: fourcc('mvex'),
  trex: fourcc('trex'),
  moof: fourcc('moof'),
  mfhd: fourcc('mfhd'),
  traf: fourcc('traf'),
  tfhd: fourcc('tfhd'),
  tfdt: fourcc('tfdt'),
  trun: fourcc('trun'),
  mdat: fourcc('mdat'),
} as const;

export const HANDLER = {
  vide: fourcc('vide'),
  soun: fourcc('soun'),
} as const;

export const BRAND = {
  iso6: fourcc('iso6'),
  cmfc: fourcc('cmfc'),
  mp41: fourcc('mp41'),
  dash: fourcc('dash'),
  av01: fourcc('av01'),
  hvc1: fourcc('hvc1'),
  msdh: fourcc('msdh'),
  msix: fourcc('msix'),
  cmfs: fourcc('cmfs'),
} as const;
