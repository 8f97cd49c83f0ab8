// Movie fragment boxes (ISO/IEC 14496-12 8.8.4-8.8.12, 8.16.2), one function per box.
import { type Box } from './box.js';
import { BOX, type FourCC } from './fourcc.js';
import type { FragmentSample } from './types.js';

/** tfhd flag 0x020000: data offsets are relative to the enclosing moof (8.8.7.1), as CMAF requires. */
const DEFAULT_BASE_IS_MOOF = 0x02_0000;

/** trun flags (8.8.8.1). */
const TRUN_DATA_OFFSET = 0x000001;
const TRUN_SAMPLE_DURATION = 0x000100;
const TRUN_SAMPLE_SIZE = 0x000200;
const TRUN_SAMPLE_FLAGS = 0x000400;
const TRUN_COMPOSITION_OFFSET = 0x000800;

/**
 * Sample flags (8.8.3.1): a sync sample depends on no other (sample_depends_on = 2); any other sample
 * depends on others (1) and sets sample_is_non_sync_sample.
 */
export const SYNC_SAMPLE_FLAGS = 0x0200_0000;
export const NON_SYNC_SAMPLE_FLAGS = 0x0101_0000;

export function styp(majorBrand: FourCC, compatibleBrands: readonly FourCC[]): Box {
  return {
    type: BOX.styp,
    bodySize: 8 + 4 * compatibleBrands.length,
    write: (w) => {
      w.u32(majorBrand);
      w.u32(0);
      for (const brand of compatibleBrands) w.u32(brand);
    },
  };
}

export function moof(children: readonly Box[]): Box {
  return { type: BOX.moof, children };
}

/** Movie fragment header (8.8.5): sequence numbers increase fragment by fragment. */
export function mfhd(sequenceNumber: number): Box {
  return { type: BOX.mfhd, version: 0, flags: 0, bodySize: 4, write: (w) => w.u32(sequenceNumber) };
}

export function traf(children: readonly Box[]): Box {
  return { type: BOX.traf, children };
}

export function tfhd(trackId: number): Box {
  return { type: BOX.tfhd, version: 0, flags: DEFAULT_BASE_IS_MOOF, bodySize: 4, write: (w) => w.u32(trackId) };
}

/** Track fragment decode time, version 1: 64-bit, so a 90 kHz clock never wraps (8.8.12). */
export function tfdt(baseMediaDecodeTime: number): Box {
  return { type: BOX.tfdt, version: 1, flags: 0, bodySize: 8, write: (w) => w.u64(baseMediaDecodeTime) };
}

/** Where trun's data_offset comes from: known only once the whole moof has been measured. */
export interface DataOffsetRef {
  value: number;
}

/**
 * Track run, version 1 so composition offsets are signed (8.8.8): B-frames and encoders that send a
 * negative RTMP composition time need no constant shift. Composition offsets are left out when all zero.
 */
export function trun(samples: readonly FragmentSample[], dataOffset: DataOffsetRef): Box {
  let hasCompositionOffsets = false;
  for (const sample of samples) {
    if (sample.compositionOffset !== 0) {
      hasCompositionOffsets = true;
      break;
    }
  }
  const flags =
    TRUN_DATA_OFFSET |
    TRUN_SAMPLE_DURATION |
    TRUN_SAMPLE_SIZE |
    TRUN_SAMPLE_FLAGS |
    (hasCompositionOffsets ? TRUN_COMPOSITION_OFFSET : 0);
  const perSample = hasCompositionOffsets ? 16 : 12;
  return {
    type: BOX.trun,
    version: 1,
    flags,
    bodySize: 8 + perSample * samples.length,
    write: (w) => {
      w.u32(samples.length);
      w.i32(dataOffset.value);
      for (const sample of samples) {
        w.u32(sample.duration);
        w.u32(sample.size);
        w.u32(sample.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
        if (hasCompositionOffsets) w.i32(sample.compositionOffset);
      }
    },
  };
}

const MDAT_HEADER = 8;
const MDAT_LARGE_HEADER = 16;

/** Header of an mdat holding `payloadSize` bytes; 64-bit largesize past 4 GiB (4.2). */
export function mdatHeader(payloadSize: number): Buffer {
  if (payloadSize + MDAT_HEADER <= 0xffff_ffff) {
    const header = Buffer.allocUnsafe(MDAT_HEADER);
    header.writeUInt32BE(payloadSize + MDAT_HEADER, 0);
    header.writeUInt32BE(BOX.mdat, 4);
    return header;
  }
  const header = Buffer.allocUnsafe(MDAT_LARGE_HEADER);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(BOX.mdat, 4);
  const total = payloadSize + MDAT_LARGE_HEADER;
  header.writeUInt32BE(Math.floor(total / 0x1_0000_0000), 8);
  header.writeUInt32BE(total >>> 0, 12);
  return header;
}
