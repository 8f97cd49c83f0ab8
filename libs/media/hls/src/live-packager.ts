// LivePackager: MediaPackets of one live stream in, CMAF init/parts/segments and playlists out.
//
// States: `waiting` (no segment open: waiting for a video keyframe, or for enough audio to decide the
// stream is audio-only), `running` (an epoch is being segmented), `ended`. An epoch is one stretch of
// continuous timestamps with one init segment; config changes, timestamp jumps and republishes end the
// epoch, and the next one starts with EXT-X-DISCONTINUITY (RFC 8216bis 6.2.1: encoding parameter or
// timing changes MUST be signalled) on decode times that continue after the previous epoch's, so tfdt
// never goes back per track and the media sequence simply continues for open players.
import {
  type AudioConfig,
  type CodecConfig,
  MediaFormatError,
  type MediaPacket,
  type TrackKind,
  type VideoConfig,
  retainMedia,
} from '@rapidrtmp/media-core';
import { type InitTrack, isAudioConfig, writeInitSegment } from '@rapidrtmp/fmp4';
import { type LivePlaylistOptions, LivePlaylistWriter } from './live-playlist.js';
import { marshalMultivariantPlaylist } from './playlist/multivariant-playlist.js';
import type { MultivariantVariant } from './playlist/multivariant-variant.js';
import { AudioSampleTimer, type SampleTimer, VideoSampleTimer } from './sample-timer.js';
import { Segmenter } from './segmenter.js';
import { SegmentWindow } from './segment-window.js';
import type { DiscontinuityReason, PackagerListener, PlaylistContinuation } from './types.js';

export interface LivePackagerOptions {
  /** Segment target in seconds (default 2): segments close at the first keyframe at or after it. */
  segmentSeconds?: number;
  /** LL-HLS part target in seconds (default 0.5). */
  partSeconds?: number;
  /** PART-HOLD-BACK in part targets (default 3, at least 2: RFC 8216bis 4.4.3.8). */
  partHoldBackParts?: number;
  /** Complete segments kept in memory and listed (default 10). */
  windowSegments?: number;
  /** With no video config, start audio-only once this much audio (ms) has arrived (default 1000). */
  audioOnlyAfterMs?: number;
  listener?: PackagerListener;
  /** Continue a playlist another packager wrote (the same stream republished on another node). */
  continueFrom?: PlaylistContinuation;
}

export interface PackagerStats {
  droppedWithoutConfig: number;
  droppedVideoBeforeKeyframe: number;
  droppedAudioBeforeStart: number;
  droppedAfterEnd: number;
  adjustedVideoTimestamps: number;
  audioReanchors: number;
  droppedOverlappingAudio: number;
  discontinuities: number;
}

interface ActiveTrack {
  kind: TrackKind;
  id: number;
  config: CodecConfig;
  timer: SampleTimer;
}

/** RTMP timestamps moving this far backwards or forwards within one publish are a jump, not jitter. */
const JUMP_BACK_MS = 1000;
const JUMP_FORWARD_MS = 10_000;
/** While waiting for a keyframe, audio older than this (relative to the newest) is dropped. */
const AUDIO_HOLD_MS = 1000;
const VIDEO_TRACK_ID = 1;
const AUDIO_TRACK_ID = 2;

/** Identity of a config for "did it really change": repeated identical sequence headers must not. */
function configKey(config: CodecConfig): string {
  switch (config.codec) {
    case 'aac':
      return `aac:${config.asc.toString('hex')}:${config.sampleRate}:${config.samplesPerFrame}`;
    case 'opus':
      return `opus:${config.channels}:${config.preSkip}:${config.inputSampleRate}:${config.outputGain}:${config.channelMappingFamily}:${config.channelMapping?.toString('hex') ?? ''}`;
    default:
      return `${config.codec}:${config.record.toString('hex')}:${config.width}x${config.height}`;
  }
}

interface RenderedMedia {
  revision: number;
  lowLatency: boolean;
  partSegments: number | undefined;
  body: string;
}

export class LivePackager {
  readonly window: SegmentWindow;

  private readonly playlistWriter: LivePlaylistWriter;
  /** The last rendering of each playlist and the window revision it shows. */
  private readonly rendered: {
    /** Full playlist and delta update, each cached apart (players alternate between them). */
    media: [RenderedMedia | undefined, RenderedMedia | undefined];
    multivariant?: { revision: number; key: string; body: string };
  } = { media: [undefined, undefined] };
  private readonly counters: PackagerStats = {
    droppedWithoutConfig: 0,
    droppedVideoBeforeKeyframe: 0,
    droppedAudioBeforeStart: 0,
    droppedAfterEnd: 0,
    adjustedVideoTimestamps: 0,
    audioReanchors: 0,
    droppedOverlappingAudio: 0,
    discontinuities: 0,
  };

  private readonly options: Required<Omit<LivePackagerOptions, 'listener' | 'continueFrom'>>;
  private readonly listener: PackagerListener | undefined;
  private readonly segmenter: Segmenter;
  private state: 'waiting' | 'running' | 'ended' = 'waiting';
  private configs: { video?: VideoConfig; audio?: AudioConfig } = {};
  private tracks: { video?: ActiveTrack; audio?: ActiveTrack } = {};
  private init: { index: number; key: string } | undefined;
  private discontinuityNext = false;
  private heldAudio: MediaPacket[] = [];
  private lastDtsMs: { video?: number; audio?: number } = {};
  private epochOriginMs = 0;
  /** Where each track's decode timeline has reached, in seconds, across epochs. */
  private trackEndSeconds = { video: 0, audio: 0 };
  /** Wall clock (ms) at which the last complete segment ends: PDTs never overlap across epochs. */
  private wallClockEnd = Number.NEGATIVE_INFINITY;

  constructor(options: LivePackagerOptions = {}) {
    this.options = {
      segmentSeconds: options.segmentSeconds ?? 2,
      partSeconds: options.partSeconds ?? 0.5,
      partHoldBackParts: options.partHoldBackParts ?? 3,
      windowSegments: options.windowSegments ?? 10,
      audioOnlyAfterMs: options.audioOnlyAfterMs ?? 1000,
    };
    const { segmentSeconds, partSeconds, windowSegments } = this.options;
    if (!(partSeconds > 0) || !(segmentSeconds >= partSeconds) || !(windowSegments >= 1)) {
      throw new MediaFormatError(
        'hls-options-invalid',
        `segment ${segmentSeconds}s, part ${partSeconds}s, window ${windowSegments}`,
      );
    }
    this.listener = options.listener;
    this.window = new SegmentWindow({ segmentSeconds, partSeconds, windowSegments, listener: this.listener });
    this.playlistWriter = new LivePlaylistWriter(this.window, { partHoldBackParts: this.options.partHoldBackParts });
    this.segmenter = new Segmenter(this.window, { segmentSeconds, partSeconds });
    const from = options.continueFrom;
    if (from) {
      this.window.resumeFrom(from);
      // The next init gets the next index whatever its tracks are (the key never matches '').
      this.init = { index: from.nextInitIndex - 1, key: '' };
      this.discontinuityNext = true;
      this.wallClockEnd = from.wallClockEnd ?? Number.NEGATIVE_INFINITY;
    }
  }

  /** Where this playlist stands, for a packager on another node to continue it. */
  continuation(): PlaylistContinuation {
    const last = this.window.lastSegment;
    return {
      nextMsn: this.window.nextSegmentMsn,
      discontinuities: this.window.discontinuitiesSoFar,
      nextInitIndex: (this.init?.index ?? -1) + 1,
      wallClockEnd: last ? last.programDateTime + last.duration * 1000 : undefined,
    };
  }

  /** Counters for metrics: what was dropped or corrected, and why. */
  get stats(): PackagerStats {
    const stats = { ...this.counters };
    if (this.state === 'running') this.addTimerCounts(stats);
    return stats;
  }

  /** A (possibly repeated) sequence header. Only a real change ends the current segment. */
  setTrackConfig(kind: TrackKind, config: VideoConfig | AudioConfig): void {
    if (this.state === 'ended') return;
    if (isAudioConfig(config) !== (kind === 'audio'))
      throw new MediaFormatError('hls-config-kind-mismatch', `${config.codec} as ${kind}`);
    if (kind === 'video') this.configs.video = config as VideoConfig;
    else this.configs.audio = config as AudioConfig;
    const active = this.tracks[kind];
    if (this.state === 'running' && (!active || configKey(active.config) !== configKey(config))) {
      this.interrupt('config-change');
    }
  }

  push(packet: MediaPacket, nowMs: number): void {
    if (this.state === 'ended') {
      this.counters.droppedAfterEnd++;
      return;
    }
    const kind = packet.track;
    if (!this.configs[kind]) {
      this.counters.droppedWithoutConfig++;
      return;
    }
    const last = this.lastDtsMs[kind];
    if (
      this.state === 'running' &&
      last !== undefined &&
      (packet.dts < last - JUMP_BACK_MS || packet.dts > last + JUMP_FORWARD_MS)
    ) {
      this.interrupt('timestamp-jump');
    } else if (
      this.state === 'running' &&
      kind === 'audio' &&
      this.tracks.video &&
      packet.dts > (this.lastDtsMs.video ?? 0) + JUMP_FORWARD_MS
    ) {
      // Video stopped while audio goes on: audio waiting for video to cut parts would pile up unbounded.
      this.interrupt('video-stalled');
    }
    this.lastDtsMs[kind] = packet.dts;
    // Kept until its part is cut (the segmenter releases it then); one dropped on the way is left to the GC.
    retainMedia(packet.payload);
    if (this.state === 'waiting') this.waitForStart(packet, nowMs);
    else this.feed(packet);
  }

  /** The publisher disconnected: close what is open; the playlist stays live for a republish. */
  publisherGone(): void {
    if (this.state === 'ended') return;
    if (this.state === 'running') this.interrupt('republish');
    this.configs = {};
    this.lastDtsMs = {};
    this.heldAudio = [];
  }

  /** The stream is over: close what is open and add EXT-X-ENDLIST. */
  end(): void {
    if (this.state === 'ended') return;
    this.finishEpoch();
    this.state = 'ended';
    this.window.end();
    this.listener?.({ type: 'ended' });
  }

  /**
   * The live media playlist, or undefined until the first segment is complete (see target-duration.ts);
   * rendered once per change of the window (and per options).
   */
  mediaPlaylist(options?: LivePlaylistOptions): string | undefined {
    if (!this.window.ready) return undefined;
    const lowLatency = options?.lowLatency ?? true;
    const partSegments = options?.partSegments;
    const slot = options?.skip ? 1 : 0;
    const cached = this.rendered.media[slot];
    if (
      cached?.revision === this.window.revision &&
      cached.lowLatency === lowLatency &&
      cached.partSegments === partSegments
    )
      return cached.body;
    const body = this.playlistWriter.render(options);
    this.rendered.media[slot] = { revision: this.window.revision, lowLatency, partSegments, body };
    return body;
  }

  /** What the multivariant playlist says about this stream, once a segment exists. */
  variant(mediaPlaylistUri = 'media.m3u8'): MultivariantVariant | undefined {
    const bandwidth = this.window.bandwidth();
    const video = (this.tracks.video?.config ?? this.configs.video) as VideoConfig | undefined;
    const audio = this.tracks.audio?.config ?? this.configs.audio;
    if (!bandwidth || (!video && !audio)) return undefined;
    const variant: MultivariantVariant = {
      uri: mediaPlaylistUri,
      bandwidth: bandwidth.peak,
      averageBandwidth: bandwidth.average,
      codecs: [video?.codecString, audio?.codecString].filter((c): c is string => c !== undefined),
    };
    if (video) {
      variant.resolution = { width: video.width, height: video.height };
      // FRAME-RATE only when it is known (4.4.6.2).
      const frameRate = video.frameRate ?? this.segmenter.measuredSampleRate;
      if (frameRate !== undefined && frameRate > 0) variant.frameRate = frameRate;
    }
    return variant;
  }

  /** The multivariant playlist, rendered once per change of the window (it carries the measured bandwidth). */
  multivariantPlaylist(mediaPlaylistUri = 'media.m3u8'): string | undefined {
    const cached = this.rendered.multivariant;
    if (cached?.revision === this.window.revision && cached.key === mediaPlaylistUri) return cached.body;
    const variant = this.variant(mediaPlaylistUri);
    if (!variant) return undefined;
    const body = marshalMultivariantPlaylist({ independentSegments: true, variants: [variant] });
    this.rendered.multivariant = { revision: this.window.revision, key: mediaPlaylistUri, body };
    return body;
  }

  private waitForStart(packet: MediaPacket, nowMs: number): void {
    if (packet.track === 'audio') {
      this.heldAudio.push(packet);
      const first = this.heldAudio[0] ?? packet; // never empty: `packet` was just pushed
      if (!this.configs.video && packet.dts - first.dts >= this.options.audioOnlyAfterMs) {
        const held = this.heldAudio;
        this.heldAudio = [];
        this.start(first.dts, nowMs - (packet.dts - first.dts));
        for (const audio of held) this.feed(audio);
        return;
      }
      const holdFrom = packet.dts - Math.max(AUDIO_HOLD_MS, this.options.audioOnlyAfterMs);
      // Stops at `packet` at the latest (its dts is past holdFrom).
      for (let oldest = this.heldAudio[0]; oldest && oldest.dts < holdFrom; oldest = this.heldAudio[0]) {
        this.heldAudio.shift();
        this.counters.droppedAudioBeforeStart++;
      }
      return;
    }
    if (!packet.keyframe) {
      this.counters.droppedVideoBeforeKeyframe++;
      return;
    }
    const held = this.heldAudio;
    this.heldAudio = [];
    this.start(packet.dts, nowMs);
    this.feed(packet);
    // Held audio from the keyframe on joins the first segment; anything later than the hold span belongs
    // to a clock the video has not reached (a jump seen on audio first) and is left out.
    for (const audio of held) {
      if (audio.dts <= packet.dts + AUDIO_HOLD_MS) this.feed(audio);
      else this.counters.droppedAudioBeforeStart++;
    }
  }

  /** Starts an epoch whose first packet (dts `originMs`) decodes right where the previous epoch ended. */
  private start(originMs: number, nowMs: number): void {
    const tracks: ActiveTrack[] = [];
    const { video, audio } = this.configs;
    if (video)
      tracks.push({ kind: 'video', id: VIDEO_TRACK_ID, config: video, timer: new VideoSampleTimer(video.frameRate) });
    if (audio) tracks.push({ kind: 'audio', id: AUDIO_TRACK_ID, config: audio, timer: new AudioSampleTimer(audio) });
    this.tracks = { video: tracks.find((t) => t.kind === 'video'), audio: tracks.find((t) => t.kind === 'audio') };

    const key = tracks.map((t) => configKey(t.config)).join('|');
    if (!this.init || this.init.key !== key) {
      const index = this.init ? this.init.index + 1 : 0;
      const initTracks: InitTrack[] = tracks.map((t) => ({ id: t.id, timescale: t.timer.timescale, config: t.config }));
      this.window.addInit(index, writeInitSegment(initTracks), initTracks);
      this.init = { index, key };
    }

    const baseSeconds = Math.max(this.trackEndSeconds.video, this.trackEndSeconds.audio);
    for (const t of tracks) t.timer.start(Math.ceil(baseSeconds * t.timer.timescale), originMs);
    const [driver, follower] = tracks;
    // Unreachable: an epoch starts on a video keyframe or on held audio, so a config is known.
    if (!driver) throw new Error('live packager: epoch start without a track config');
    const wallClockStart = Math.max(nowMs, this.wallClockEnd);
    this.segmenter.begin({
      driver: { id: driver.id, timescale: driver.timer.timescale },
      follower: follower && { id: follower.id, timescale: follower.timer.timescale },
      initIndex: this.init.index,
      discontinuity: this.discontinuityNext,
      // PDT follows the media clock within an epoch, anchored to the wall clock when the epoch began.
      wallClockOf: (dts) => wallClockStart + (dts / driver.timer.timescale - baseSeconds) * 1000,
    });
    this.discontinuityNext = false;
    this.epochOriginMs = originMs;
    this.state = 'running';
  }

  private feed(packet: MediaPacket): void {
    const track = this.tracks[packet.track];
    if (!track) {
      this.counters.droppedWithoutConfig++;
      return;
    }
    if (packet.track === 'audio' && packet.dts < this.epochOriginMs) {
      // Audio interleaved just after the keyframe that starts the epoch but older than it: the segment
      // starts on the keyframe, and audio before it would precede the first picture.
      this.counters.droppedAudioBeforeStart++;
      return;
    }
    const { timer } = track;
    const sample = timer.push(packet);
    if (track !== this.driver()) {
      if (sample) this.segmenter.addFollowerSample(sample);
      const waiting = timer.pending;
      if (waiting) this.segmenter.followerReady(waiting.dts);
      return;
    }
    if (sample) this.segmenter.addDriverSample(sample);
    const next = timer.pending;
    if (next) this.segmenter.announce(next, timer.expectedDuration);
  }

  private addTimerCounts(stats: PackagerStats): void {
    for (const track of [this.tracks.video, this.tracks.audio]) {
      if (track?.timer instanceof VideoSampleTimer) stats.adjustedVideoTimestamps += track.timer.adjusted;
      if (track?.timer instanceof AudioSampleTimer) {
        stats.audioReanchors += track.timer.reanchored;
        stats.droppedOverlappingAudio += track.timer.dropped;
      }
    }
  }

  private driver(): ActiveTrack | undefined {
    return this.tracks.video ?? this.tracks.audio;
  }

  private interrupt(reason: DiscontinuityReason): void {
    this.finishEpoch();
    this.state = 'waiting';
    this.discontinuityNext = true;
    this.window.discontinuityPending = true;
    this.heldAudio = [];
    this.counters.discontinuities++;
    this.listener?.({ type: 'discontinuity', reason });
  }

  /** Flushes the held samples and closes the open part and segment. */
  private finishEpoch(): void {
    if (this.state !== 'running') return;
    const driver = this.driver();
    for (const track of [this.tracks.video, this.tracks.audio]) {
      if (!track) continue;
      const sample = track.timer.flush();
      if (!sample) continue;
      if (track === driver) this.segmenter.addDriverSample(sample);
      else this.segmenter.addFollowerSample(sample);
    }
    this.segmenter.finish();
    for (const track of [this.tracks.video, this.tracks.audio]) {
      if (track) this.trackEndSeconds[track.kind] = track.timer.end / track.timer.timescale;
    }
    this.addTimerCounts(this.counters);
    const last = this.window.lastSegment;
    if (last) this.wallClockEnd = last.programDateTime + last.duration * 1000;
    this.state = 'waiting';
  }
}
