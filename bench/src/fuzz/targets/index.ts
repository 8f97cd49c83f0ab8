import type { FuzzTarget } from '../fuzz-target.js';
import { amf0Target, amf3Target } from './amf.js';
import { codecTargets } from './codecs.js';
import { flvFileTarget, flvStreamTarget, flvTagsTarget } from './flv.js';
import { byteRangeTarget, hlsQueryTarget, hlsResourceNameTarget, playbackTokenTarget } from './http.js';
import { objectKeyTarget } from './object-key.js';
import { chunkReaderTarget, rtmpClientTarget, rtmpSessionTarget } from './rtmp.js';

/** Every target, cheapest protocol layer first. */
export const TARGETS: readonly FuzzTarget[] = [
  chunkReaderTarget,
  rtmpSessionTarget,
  rtmpClientTarget,
  amf0Target,
  amf3Target,
  flvTagsTarget,
  flvFileTarget,
  flvStreamTarget,
  ...codecTargets,
  hlsQueryTarget,
  hlsResourceNameTarget,
  playbackTokenTarget,
  byteRangeTarget,
  objectKeyTarget,
];
