import { listBoxes } from './mp4-boxes.js';

/** The timing of one track fragment (traf): where it starts and how long each of its samples lasts. */
export interface TrackFragmentTiming {
  trackId: number;
  /** tfdt version: 1 carries a 64-bit decode time. */
  tfdtVersion: number;
  baseMediaDecodeTime: number;
  durations: number[];
  /** Index of the moof in the bytes read, in order. */
  fragment: number;
}

// ISO/IEC 14496-12 8.8.7 / 8.8.8 flags.
const TFHD_BASE_DATA_OFFSET = 0x1;
const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x2;
const TFHD_DEFAULT_DURATION = 0x8;
const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_SAMPLE_FLAGS = 0x4;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
const TRUN_COMPOSITION = 0x800;

/**
 * Every track fragment of a run of movie fragments (moof + mdat ...), read with nothing but the box
 * layout: tfhd (track id, default duration), tfdt (8.8.12, 32- or 64-bit) and the trun sample durations.
 */
export function trackFragmentTimings(bytes: Buffer): TrackFragmentTiming[] {
  const timings: TrackFragmentTiming[] = [];
  const moofs = listBoxes(bytes).filter((box) => box.type === 'moof');
  moofs.forEach((moof, fragment) => {
    for (const traf of listBoxes(bytes, moof.contentStart, moof.end).filter((box) => box.type === 'traf')) {
      const children = listBoxes(bytes, traf.contentStart, traf.end);
      const tfhd = children.find((box) => box.type === 'tfhd');
      const tfdt = children.find((box) => box.type === 'tfdt');
      if (!tfhd || !tfdt) throw new Error(`traf of moof ${fragment} without tfhd or tfdt`);
      const tfhdFlags = bytes.readUIntBE(tfhd.contentStart + 1, 3);
      const trackId = bytes.readUInt32BE(tfhd.contentStart + 4);
      let at = tfhd.contentStart + 8;
      if (tfhdFlags & TFHD_BASE_DATA_OFFSET) at += 8;
      if (tfhdFlags & TFHD_SAMPLE_DESCRIPTION_INDEX) at += 4;
      const defaultDuration = tfhdFlags & TFHD_DEFAULT_DURATION ? bytes.readUInt32BE(at) : 0;
      const tfdtVersion = bytes.readUInt8(tfdt.contentStart);
      const baseMediaDecodeTime =
        tfdtVersion === 1
          ? Number(bytes.readBigUInt64BE(tfdt.contentStart + 4))
          : bytes.readUInt32BE(tfdt.contentStart + 4);
      const durations: number[] = [];
      for (const trun of children.filter((box) => box.type === 'trun')) {
        durations.push(...trunDurations(bytes, trun.contentStart, defaultDuration));
      }
      timings.push({ trackId, tfdtVersion, baseMediaDecodeTime, durations, fragment });
    }
  });
  return timings;
}

function trunDurations(bytes: Buffer, start: number, defaultDuration: number): number[] {
  const flags = bytes.readUIntBE(start + 1, 3);
  const count = bytes.readUInt32BE(start + 4);
  let at = start + 8;
  if (flags & TRUN_DATA_OFFSET) at += 4;
  if (flags & TRUN_FIRST_SAMPLE_FLAGS) at += 4;
  const fields = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_COMPOSITION].filter((f) => flags & f).length;
  const durations: number[] = [];
  for (let i = 0; i < count; i++) {
    durations.push(flags & TRUN_DURATION ? bytes.readUInt32BE(at) : defaultDuration);
    at += 4 * fields;
  }
  return durations;
}

/** Track id -> media timescale, from an init segment's tkhd and mdhd boxes (8.3.2, 8.4.2). */
export function trackTimescales(init: Buffer): Map<number, number> {
  const timescales = new Map<number, number>();
  const moov = listBoxes(init).find((box) => box.type === 'moov');
  if (!moov) throw new Error('init segment without moov');
  for (const trak of listBoxes(init, moov.contentStart, moov.end).filter((box) => box.type === 'trak')) {
    const children = listBoxes(init, trak.contentStart, trak.end);
    const tkhd = children.find((box) => box.type === 'tkhd');
    const mdia = children.find((box) => box.type === 'mdia');
    const mdhd = mdia && listBoxes(init, mdia.contentStart, mdia.end).find((box) => box.type === 'mdhd');
    if (!tkhd || !mdhd) throw new Error('trak without tkhd or mdhd');
    // version 1 widens creation and modification times from 32 to 64 bits.
    const trackId = init.readUInt32BE(tkhd.contentStart + (init[tkhd.contentStart] === 1 ? 20 : 12));
    const timescale = init.readUInt32BE(mdhd.contentStart + (init[mdhd.contentStart] === 1 ? 20 : 12));
    timescales.set(trackId, timescale);
  }
  return timescales;
}
