// A CMAF chunk / HLS partial segment: one moof + one mdat (ISO/IEC 23000-19 7.3.2.3).
import { MediaFormatError } from '@rapidrtmp/media-core';
import { type Box, boxSize, serializeBoxes } from './box.js';
import { type DataOffsetRef, mdatHeader, mfhd, moof, tfdt, tfhd, traf, trun } from './fragment-boxes.js';
import type { TrackRun } from './types.js';

const MAX_U32 = 0xffff_ffff;
const MAX_I32 = 0x7fff_ffff;
const MIN_I32 = -0x8000_0000;

function validateRun(run: TrackRun): number {
  if (!Number.isInteger(run.trackId) || run.trackId < 1 || run.trackId > MAX_U32) {
    throw new MediaFormatError('fmp4-track-id-invalid', String(run.trackId));
  }
  if (!Number.isSafeInteger(run.baseMediaDecodeTime) || run.baseMediaDecodeTime < 0) {
    throw new MediaFormatError('fmp4-decode-time-invalid', String(run.baseMediaDecodeTime));
  }
  let bytes = 0;
  for (const s of run.samples) {
    if (
      s.size !== s.payload.length ||
      !Number.isInteger(s.duration) ||
      s.duration < 0 ||
      s.duration > MAX_U32 ||
      !Number.isInteger(s.compositionOffset) ||
      s.compositionOffset < MIN_I32 ||
      s.compositionOffset > MAX_I32
    ) {
      throw new MediaFormatError(
        'fmp4-sample-invalid',
        `track ${run.trackId}: duration ${s.duration}, size ${s.size}/${s.payload.length}, cto ${s.compositionOffset}`,
      );
    }
    bytes += s.size;
  }
  return bytes;
}

/**
 * Writes one movie fragment holding a run per track (one `traf` each, empty runs left out) over a single
 * `mdat` in which the tracks' payloads follow each other in `tracks` order.
 *
 * Returns `[moof, mdatHeader, ...payloads]`: the payloads are the callers' Buffers, referenced and never
 * copied; write the list with writev or concatenate it once.
 */
export function writeFragment(sequenceNumber: number, tracks: TrackRun[]): Buffer[] {
  if (!Number.isInteger(sequenceNumber) || sequenceNumber < 0 || sequenceNumber > MAX_U32) {
    throw new MediaFormatError('fmp4-sequence-number-invalid', String(sequenceNumber));
  }
  const runs = tracks.filter((run) => run.samples.length > 0);
  const placed: { offset: DataOffsetRef; bytes: number }[] = [];
  const trafs: Box[] = [];
  let payloadBytes = 0;
  for (const run of runs) {
    const bytes = validateRun(run);
    const offset: DataOffsetRef = { value: 0 };
    placed.push({ offset, bytes });
    payloadBytes += bytes;
    trafs.push(traf([tfhd(run.trackId), tfdt(run.baseMediaDecodeTime), trun(run.samples, offset)]));
  }
  const moofBox = moof([mfhd(sequenceNumber), ...trafs]);
  const header = mdatHeader(payloadBytes);

  // data_offset counts from the first byte of the moof (default-base-is-moof, 8.8.7.1) to the run's first
  // byte in the mdat that directly follows it.
  let dataOffset = boxSize(moofBox) + header.length;
  for (const { offset, bytes } of placed) {
    if (dataOffset > MAX_I32) throw new MediaFormatError('fmp4-fragment-too-large', `${dataOffset} bytes`);
    offset.value = dataOffset;
    dataOffset += bytes;
  }

  const out: Buffer[] = [serializeBoxes([moofBox]), header];
  for (const run of runs) for (const sample of run.samples) out.push(sample.payload);
  return out;
}
