import type { AudioConfig, VideoConfig } from '@rapidrtmp/media-core';

/** Optional `btrt` values (ISO/IEC 14496-12 8.5.2.2); omitted from the sample entry when unknown. */
export interface TrackBitrate {
  bufferSizeDB: number;
  maxBitrate: number;
  avgBitrate: number;
}

/** One track of an initialization segment. */
export interface InitTrack {
  /** track_ID, 1-based, unique in the movie. */
  id: number;
  /** Media timescale (ticks per second) used by every fragment of this track. */
  timescale: number;
  config: VideoConfig | AudioConfig;
  bitrate?: TrackBitrate;
}

/** One sample of a track run. */
export interface FragmentSample {
  /** Duration in track timescale ticks. */
  duration: number;
  /** Payload size in bytes; must equal `payload.length`. */
  size: number;
  /** Sync sample (IDR / IRAP / any audio frame). */
  keyframe: boolean;
  /** PTS - DTS in track timescale ticks; signed (written in `trun` version 1). */
  compositionOffset: number;
  payload: Buffer;
}

/** The samples of one track inside one fragment. */
export interface TrackRun {
  trackId: number;
  /** Decode time of the first sample, in track timescale; may exceed 2^32 (`tfdt` version 1). */
  baseMediaDecodeTime: number;
  samples: FragmentSample[];
}
