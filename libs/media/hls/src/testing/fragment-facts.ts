// Test support: what mp4box.js (independent of our writer) reads out of movie fragments.
import { parseMp4 } from '@rapidrtmp/fmp4/testing';

export interface RunFacts {
  /** Index of the moof in the parsed stream. */
  fragment: number;
  trackId: number;
  tfdt: number;
  tfdtVersion: number;
  trunVersion: number;
  durations: number[];
  sizes: number[];
  flags: number[];
  compositionOffsets: number[];
  /** Absolute file offsets of the run's first byte and of the enclosing mdat payload [start, end). */
  dataStart: number;
  mdatStart: number;
  mdatEnd: number;
}

interface Mp4boxTrun {
  version: number;
  sample_count: number;
  data_offset: number;
  sample_duration: number[];
  sample_size: number[];
  sample_flags: number[];
  sample_composition_time_offset?: number[];
}
interface Mp4boxTraf {
  tfhd: { track_id: number };
  tfdt: { version: number; baseMediaDecodeTime: number };
  truns: Mp4boxTrun[];
}
interface Mp4boxMoof {
  start: number;
  size: number;
  trafs: Mp4boxTraf[];
}
interface Mp4boxMdat {
  start: number;
  size: number;
  hdr_size: number;
}

/** Every track run of `init + chunks`, in order, as mp4box.js parsed it. */
export function fragmentFacts(init: Buffer, ...chunks: Buffer[]): RunFacts[] {
  const parsed = parseMp4(init, ...chunks);
  if (parsed.errors.length > 0) throw new Error(parsed.errors.join('; '));
  const file = parsed.file as unknown as { moofs: Mp4boxMoof[]; mdats: Mp4boxMdat[] };
  const runs: RunFacts[] = [];
  file.moofs.forEach((moof, fragment) => {
    const mdat = file.mdats.find((m) => m.start === moof.start + moof.size);
    if (!mdat) throw new Error(`moof ${fragment} is not followed by an mdat`);
    for (const traf of moof.trafs) {
      for (const trun of traf.truns) {
        runs.push({
          fragment,
          trackId: traf.tfhd.track_id,
          tfdt: traf.tfdt.baseMediaDecodeTime,
          tfdtVersion: traf.tfdt.version,
          trunVersion: trun.version,
          durations: trun.sample_duration.slice(0, trun.sample_count),
          sizes: trun.sample_size.slice(0, trun.sample_count),
          flags: trun.sample_flags.slice(0, trun.sample_count),
          compositionOffsets: (trun.sample_composition_time_offset ?? []).slice(0, trun.sample_count),
          dataStart: moof.start + trun.data_offset,
          mdatStart: mdat.start + mdat.hdr_size,
          mdatEnd: mdat.start + mdat.size,
        });
      }
    }
  });
  return runs;
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
