// Boxes of the initialization segment's `moov` (ISO/IEC 14496-12 8.2-8.8), one function per box.
// Durations are zero and the sample tables empty: every sample lives in a movie fragment (8.8.1).
import { type Box } from './box.js';
import { BOX, type FourCC } from './fourcc.js';

/** Unity transformation matrix (8.2.2.3), 16.16 and 2.30 fixed point. */
const UNITY_MATRIX = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];
/** ISO-639-2/T 'und' packed as three 5-bit letters (8.4.2.3). */
const LANGUAGE_UND = 0x55c4;
/** tkhd flags: track_enabled | track_in_movie (8.3.2.3). */
const TRACK_ENABLED_IN_MOVIE = 0x000003;
/** url flag: media data is in the same file (8.7.2.3). */
const SELF_CONTAINED = 0x000001;

function writeMatrix(w: { u32(v: number): void }): void {
  for (const value of UNITY_MATRIX) w.u32(value);
}

export function ftyp(majorBrand: FourCC, minorVersion: number, compatibleBrands: readonly FourCC[]): Box {
  return {
    type: BOX.ftyp,
    bodySize: 8 + 4 * compatibleBrands.length,
    write: (w) => {
      w.u32(majorBrand);
      w.u32(minorVersion);
      for (const brand of compatibleBrands) w.u32(brand);
    },
  };
}

export function moov(children: readonly Box[]): Box {
  return { type: BOX.moov, children };
}

/** Movie header, version 0 (8.2.2); the movie timescale only scales the (zero) durations. */
export function mvhd(timescale: number, nextTrackId: number): Box {
  return {
    type: BOX.mvhd,
    version: 0,
    flags: 0,
    bodySize: 96,
    write: (w) => {
      w.u32(0); // creation_time
      w.u32(0); // modification_time
      w.u32(timescale);
      w.u32(0); // duration: unknown, fragments follow
      w.u32(0x0001_0000); // rate 1.0
      w.u16(0x0100); // volume 1.0
      w.zeros(10); // reserved
      writeMatrix(w);
      w.zeros(24); // pre_defined
      w.u32(nextTrackId);
    },
  };
}

export function trak(children: readonly Box[]): Box {
  return { type: BOX.trak, children };
}

/** Track header, version 0 (8.3.2); width/height are the display size in 16.16. */
export function tkhd(trackId: number, isAudio: boolean, displayWidth: number, displayHeight: number): Box {
  return {
    type: BOX.tkhd,
    version: 0,
    flags: TRACK_ENABLED_IN_MOVIE,
    bodySize: 80,
    write: (w) => {
      w.u32(0); // creation_time
      w.u32(0); // modification_time
      w.u32(trackId);
      w.u32(0); // reserved
      w.u32(0); // duration
      w.zeros(8); // reserved
      w.u16(0); // layer
      w.u16(0); // alternate_group
      w.u16(isAudio ? 0x0100 : 0); // volume
      w.u16(0); // reserved
      writeMatrix(w);
      w.u32(Math.round(displayWidth * 0x1_0000) >>> 0);
      w.u32(Math.round(displayHeight * 0x1_0000) >>> 0);
    },
  };
}

export function mdia(children: readonly Box[]): Box {
  return { type: BOX.mdia, children };
}

/** Media header, version 0 (8.4.2): the track timescale every tfdt/trun value is counted in. */
export function mdhd(timescale: number): Box {
  return {
    type: BOX.mdhd,
    version: 0,
    flags: 0,
    bodySize: 20,
    write: (w) => {
      w.u32(0); // creation_time
      w.u32(0); // modification_time
      w.u32(timescale);
      w.u32(0); // duration
      w.u16(LANGUAGE_UND);
      w.u16(0); // pre_defined
    },
  };
}

/** Handler reference (8.4.3): `vide` or `soun`, with a null-terminated name. */
export function hdlr(handlerType: FourCC, name: string): Box {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  return {
    type: BOX.hdlr,
    version: 0,
    flags: 0,
    bodySize: 20 + nameBytes.length,
    write: (w) => {
      w.u32(0); // pre_defined
      w.u32(handlerType);
      w.zeros(12); // reserved
      w.bytes(nameBytes);
    },
  };
}

export function minf(children: readonly Box[]): Box {
  return { type: BOX.minf, children };
}

/** Video media header (12.1.2); flags must be 1. */
export function vmhd(): Box {
  return { type: BOX.vmhd, version: 0, flags: 1, bodySize: 8, write: (w) => w.zeros(8) };
}

/** Sound media header (12.2.2): centred balance. */
export function smhd(): Box {
  return { type: BOX.smhd, version: 0, flags: 0, bodySize: 4, write: (w) => w.zeros(4) };
}

/** Data information with one self-contained `url ` entry (8.7.1, 8.7.2). */
export function dinf(): Box {
  const url: Box = { type: BOX.url, version: 0, flags: SELF_CONTAINED };
  const dref: Box = { type: BOX.dref, version: 0, flags: 0, bodySize: 4, write: (w) => w.u32(1), children: [url] };
  return { type: BOX.dinf, children: [dref] };
}

/** Sample table with the one sample entry and empty stts/stsc/stsz/stco (8.5.1, 8.8.1). */
export function stbl(sampleEntry: Box): Box {
  const emptyTable = (type: FourCC): Box => ({ type, version: 0, flags: 0, bodySize: 4, write: (w) => w.u32(0) });
  const stsz: Box = { type: BOX.stsz, version: 0, flags: 0, bodySize: 8, write: (w) => w.zeros(8) };
  return {
    type: BOX.stbl,
    children: [stsd(sampleEntry), emptyTable(BOX.stts), emptyTable(BOX.stsc), stsz, emptyTable(BOX.stco)],
  };
}

export function stsd(sampleEntry: Box): Box {
  return { type: BOX.stsd, version: 0, flags: 0, bodySize: 4, write: (w) => w.u32(1), children: [sampleEntry] };
}

export function mvex(children: readonly Box[]): Box {
  return { type: BOX.mvex, children };
}

/** Track extends (8.8.3): no defaults, every trun carries its own per-sample values. */
export function trex(trackId: number): Box {
  return {
    type: BOX.trex,
    version: 0,
    flags: 0,
    bodySize: 20,
    write: (w) => {
      w.u32(trackId);
      w.u32(1); // default_sample_description_index
      w.u32(0); // default_sample_duration
      w.u32(0); // default_sample_size
      w.u32(0); // default_sample_flags
    },
  };
}
