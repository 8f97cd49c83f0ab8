export { LivePackager, type LivePackagerOptions, type PackagerStats } from './live-packager.js';
export {
  SegmentWindow,
  type SegmentWindowOptions,
  type BlockingDecision,
  type PartAvailability,
} from './segment-window.js';
export {
  LivePlaylistWriter,
  livePlaylist,
  livePlaylistWriter,
  renderLivePlaylist,
  type LivePlaylistOptions,
  type LivePlaylistSource,
} from './live-playlist.js';
export {
  parseBlockingRequest,
  parseSkipRequest,
  advancePartLimit,
  type DirectiveParseResult,
  type SkipParseResult,
} from './delivery-directives.js';
export { initName, segmentName, partName, parseResourceName, type ResourceName } from './resource-names.js';
export { initialTargetDuration } from './target-duration.js';
export {
  VideoSampleTimer,
  AudioSampleTimer,
  VIDEO_TIMESCALE,
  type SampleTimer,
  type TimedSample,
} from './sample-timer.js';
export { opusPacketSamples } from './opus-packet.js';
export type * from './types.js';
export * from './playlist/index.js';
