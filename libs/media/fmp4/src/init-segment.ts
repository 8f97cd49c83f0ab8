// The CMAF header / HLS EXT-X-MAP resource: ftyp + moov (ISO/IEC 23000-19 7.3.1, ISO/IEC 14496-12 8.8.1).
import { type AudioConfig, MediaFormatError, type VideoConfig } from '@rapidrtmp/media-core';
import { type Box, serializeBoxes } from './box.js';
import { BRAND, type FourCC, HANDLER } from './fourcc.js';
import {
  dinf,
  ftyp,
  hdlr,
  mdhd,
  mdia,
  minf,
  moov,
  mvex,
  mvhd,
  smhd,
  stbl,
  tkhd,
  trak,
  trex,
  vmhd,
} from './movie-boxes.js';
import { av01, avc1, hvc1, mp4a, opus, vp09 } from './sample-entries.js';
import type { InitTrack } from './types.js';

/** Movie timescale: only the (zero) movie durations use it. */
const MOVIE_TIMESCALE = 1000;
const MAX_U32 = 0xffff_ffff;

export function isAudioConfig(config: VideoConfig | AudioConfig): config is AudioConfig {
  return config.codec === 'aac' || config.codec === 'opus';
}

/** The sample entry for a track's codec. */
export function sampleEntry(track: InitTrack): Box {
  const { config, bitrate } = track;
  switch (config.codec) {
    case 'avc':
      return avc1(config, bitrate);
    case 'hevc':
      return hvc1(config, bitrate);
    case 'av1':
      return av01(config, bitrate);
    case 'vp9':
      return vp09(config, bitrate);
    case 'aac':
      return mp4a(config, bitrate);
    case 'opus':
      return opus(config, bitrate);
  }
}

function displaySize(config: VideoConfig): [number, number] {
  // tkhd carries the display size: the coded size stretched by the sample aspect ratio (8.3.2.3).
  if (config.codec === 'avc' && config.sarWidth > 0 && config.sarHeight > 0) {
    return [(config.width * config.sarWidth) / config.sarHeight, config.height];
  }
  return [config.width, config.height];
}

function trackBox(track: InitTrack): Box {
  const { config } = track;
  if (isAudioConfig(config)) {
    return trak([
      tkhd(track.id, true, 0, 0),
      mdia([
        mdhd(track.timescale),
        hdlr(HANDLER.soun, 'SoundHandler'),
        minf([smhd(), dinf(), stbl(sampleEntry(track))]),
      ]),
    ]);
  }
  const [width, height] = displaySize(config);
  return trak([
    tkhd(track.id, false, width, height),
    mdia([mdhd(track.timescale), hdlr(HANDLER.vide, 'VideoHandler'), minf([vmhd(), dinf(), stbl(sampleEntry(track))])]),
  ]);
}

function compatibleBrands(tracks: readonly InitTrack[]): FourCC[] {
  const brands: FourCC[] = [BRAND.iso6, BRAND.cmfc, BRAND.mp41, BRAND.dash];
  if (tracks.some((t) => t.config.codec === 'av1')) brands.push(BRAND.av01);
  if (tracks.some((t) => t.config.codec === 'hevc' && !t.config.codecString.startsWith('hev1')))
    brands.push(BRAND.hvc1);
  return brands;
}

function validate(tracks: readonly InitTrack[]): void {
  if (tracks.length === 0) throw new MediaFormatError('fmp4-no-tracks');
  const ids = new Set<number>();
  for (const track of tracks) {
    if (!Number.isInteger(track.id) || track.id < 1 || track.id > MAX_U32 || ids.has(track.id)) {
      throw new MediaFormatError('fmp4-track-id-invalid', String(track.id));
    }
    if (!Number.isInteger(track.timescale) || track.timescale < 1 || track.timescale > MAX_U32) {
      throw new MediaFormatError('fmp4-timescale-invalid', String(track.timescale));
    }
    ids.add(track.id);
  }
}

/**
 * Writes an initialization segment: `ftyp` (major iso6; iso6 cmfc mp41 dash, plus av01/hvc1 when such a
 * track is present) and a `moov` with one `trak` per track and `mvex`/`trex` announcing fragments.
 */
export function writeInitSegment(tracks: InitTrack[]): Buffer {
  validate(tracks);
  const nextTrackId = Math.max(...tracks.map((t) => t.id)) + 1;
  return serializeBoxes([
    ftyp(BRAND.iso6, 0, compatibleBrands(tracks)),
    moov([mvhd(MOVIE_TIMESCALE, nextTrackId), ...tracks.map(trackBox), mvex(tracks.map((t) => trex(t.id)))]),
  ]);
}
