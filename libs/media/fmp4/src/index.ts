export type { FragmentSample, InitTrack, TrackBitrate, TrackRun } from './types.js';
export { writeInitSegment, isAudioConfig, sampleEntry } from './init-segment.js';
export { writeFragment } from './fragment.js';
export {
  SYNC_SAMPLE_FLAGS,
  NON_SYNC_SAMPLE_FLAGS,
  styp,
  moof,
  mfhd,
  traf,
  tfhd,
  tfdt,
  trun,
  mdatHeader,
} from './fragment-boxes.js';
export * from './movie-boxes.js';
export * from './sample-entries.js';
export { type Box, boxSize, rawBox, serializeBoxes } from './box.js';
export { ByteWriter } from './byte-writer.js';
export { BOX, BRAND, HANDLER, fourcc, type FourCC } from './fourcc.js';
export { writeSegmentType } from './segment-type.js';
