// Test support: a real progressive MP4 (fixtures/*.mp4) turned into InitTracks and FragmentSamples.
import type { AudioConfig, VideoConfig } from '@rapidrtmp/media-core';
import type { FragmentSample, InitTrack } from '../types.js';
import {
  aacConfig,
  av1Config,
  avcConfigFromRecord,
  hevcConfig,
  opusConfigFromDops,
  vp9Config,
} from './codec-configs.js';
import { ascFromEsds, parseMp4, type RawSample, trackSamples, walkBoxes } from './mp4-inspect.js';

export interface ClipTrack extends InitTrack {
  /** mp4box.js's RFC 6381 codec string for the source track. */
  sourceCodec: string;
  samples: RawSample[];
}

function configFor(
  trakBoxes: ReturnType<typeof walkBoxes>,
  width: number,
  height: number,
  sampleRate: number,
  channels: number,
  codec: string,
): VideoConfig | AudioConfig {
  const body = (type: string): Buffer | undefined => trakBoxes.find((b) => b.type === type)?.body;
  const avcC = body('avcC');
  if (avcC) return avcConfigFromRecord(avcC, width, height);
  const hvcC = body('hvcC');
  if (hvcC) return hevcConfig(hvcC, width, height, codec);
  const av1C = body('av1C');
  if (av1C) return av1Config(av1C, width, height, codec);
  const vpcC = body('vpcC');
  if (vpcC) return vp9Config(vpcC.subarray(4), width, height, codec);
  const esds = body('esds');
  if (esds) {
    // ffmpeg writes the template channelcount (2) into mp4a; the ASC's channelConfiguration is the truth.
    const asc = ascFromEsds(esds);
    return aacConfig(asc, sampleRate, (asc[1]! >> 3) & 0x0f || channels);
  }
  const dOps = body('dOps');
  if (dOps) return opusConfigFromDops(dOps);
  throw new Error(`no supported sample entry for ${codec}`);
}

export function loadClip(source: Buffer): ClipTrack[] {
  const parsed = parseMp4(source);
  const traks = walkBoxes(source).filter((b) => b.type === 'trak');
  return parsed.info.tracks.map((track, i) => {
    const trakBoxes = walkBoxes(source, traks[i]!.start + 8, traks[i]!.start + traks[i]!.size);
    const config = configFor(
      trakBoxes,
      track.video?.width ?? track.track_width,
      track.video?.height ?? track.track_height,
      track.audio?.sample_rate ?? 0,
      track.audio?.channel_count ?? 0,
      track.codec,
    );
    return {
      id: track.id,
      timescale: track.timescale,
      config,
      sourceCodec: track.codec,
      samples: trackSamples(parsed, source, track.id),
    };
  });
}

/** Samples as the fragment writer takes them: composition offset = cts - dts - shift (shift < 0 allowed). */
export function fragmentSamples(samples: readonly RawSample[], ctsShift = 0): FragmentSample[] {
  return samples.map((s) => ({
    duration: s.duration,
    size: s.data.length,
    keyframe: s.isSync,
    compositionOffset: s.cts - s.dts - ctsShift,
    payload: s.data,
  }));
}
