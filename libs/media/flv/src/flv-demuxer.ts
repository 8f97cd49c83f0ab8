import {
  MediaFormatError,
  type AudioConfig,
  type MediaPacket,
  type TrackKind,
  type VideoConfig,
} from '@rapidrtmp/media-core';
import {
  annexBToLengthPrefixed,
  containsAvcIdr,
  containsHevcIrap,
  detectNalFraming,
  isOpusTags,
  parseAacConfig,
  parseAv1Config,
  parseAvcConfig,
  parseHevcConfig,
  parseOpusConfig,
  parseVp9Config,
} from '@rapidrtmp/codecs';
import { parseAudioTag, type FlvAudioTag } from './audio-tag.js';
import { FRAME_TYPE, parseVideoTag, type FlvVideoTag } from './video-tag.js';

/** What one pushed tag turned into. A tag yields at most one event (multitrack is rejected). */
export type FlvDemuxEvent =
  | { type: 'config'; track: 'video'; config: VideoConfig; changed: boolean }
  | { type: 'config'; track: 'audio'; config: AudioConfig; changed: boolean }
  | { type: 'packet'; packet: MediaPacket }
  | { type: 'end'; track: TrackKind };

/** Why a tag produced no event; each is a count in `FlvDemuxerCounters.dropped`. */
export interface FlvDropCounts {
  /** Coded video before any (matching) sequence header: undecodable. */
  videoBeforeConfig: number;
  /** Raw AAC/Opus before the AudioSpecificConfig/OpusHead. */
  audioBeforeConfig: number;
  /** `AF 00`: the empty AAC sequence header ffmpeg may send before the real one. */
  emptyAudioConfig: number;
  unsupportedVideoCodec: number;
  unsupportedAudioCodec: number;
  /** Coded frames with no payload bytes. */
  emptyFrame: number;
  /** Video command frames (frame type 5: client-side seek markers). */
  videoCommand: number;
  /** E-RTMP video Metadata (AMF colorInfo / HDR): not used yet. */
  videoMetadata: number;
  /** E-RTMP Opus SequenceStart carrying the OpusTags comment header instead of OpusHead. */
  opusTags: number;
  /** E-RTMP audio MultichannelConfig: channel layout only, the codec config still says enough. */
  multichannelConfig: number;
  /** E-RTMP MPEG2TSSequenceStart (AV1 video descriptor): the av1C SequenceStart is what we use. */
  mpeg2TsSequenceStart: number;
}

export interface FlvDemuxerCounters {
  videoPackets: number;
  audioPackets: number;
  /** Config events emitted (first and changed). */
  videoConfigs: number;
  audioConfigs: number;
  /** Sequence headers identical to the current one: no event. */
  repeatedConfigs: number;
  /** Annex-B video payloads rewritten as length-prefixed. */
  annexBConverted: number;
  /** AVC/HEVC frames whose FLV frame type disagreed with the IDR/IRAP NAL check (the NAL check wins). */
  keyframeMismatches: number;
  dropped: FlvDropCounts;
}

function newCounters(): FlvDemuxerCounters {
  return {
    videoPackets: 0,
    audioPackets: 0,
    videoConfigs: 0,
    audioConfigs: 0,
    repeatedConfigs: 0,
    annexBConverted: 0,
    keyframeMismatches: 0,
    dropped: {
      videoBeforeConfig: 0,
      audioBeforeConfig: 0,
      emptyAudioConfig: 0,
      unsupportedVideoCodec: 0,
      unsupportedAudioCodec: 0,
      emptyFrame: 0,
      videoCommand: 0,
      videoMetadata: 0,
      opusTags: 0,
      multichannelConfig: 0,
      mpeg2TsSequenceStart: 0,
    },
  };
}

function parseVideoConfig(tag: FlvVideoTag, record: Buffer): VideoConfig {
  switch (tag.codec) {
    case 'avc':
      return parseAvcConfig(record);
    case 'hevc':
      return parseHevcConfig(record);
    case 'av1':
      return parseAv1Config(record);
    case 'vp9':
      return parseVp9Config(record);
    default:
      throw new MediaFormatError('flv-video-codec', `no config parser for ${tag.codecTag}`);
  }
}

/**
 * Per-stream FLV/RTMP tag -> codec config and MediaPacket converter. Feed it every audio and video
 * message payload in arrival order; it returns at most one event per tag.
 *
 * - Timestamps are used as given: extending 32-bit RTMP/FLV timestamps past their wrap is the
 *   transport's job, one `TimestampExtender` (media-core) per track, as RtmpServerSession does.
 * - Sequence headers: the first yields `config` (`changed: false`), an identical repeat yields nothing,
 *   a different one yields `config` with `changed: true` (new init segment + discontinuity downstream).
 *   Config records are copied (they outlive the message); packet payloads are views into `body`, so the
 *   caller must not reuse that memory while packets are alive.
 * - Video packets: DTS = message timestamp, PTS = DTS + signed composition time (kept even when
 *   negative: the fMP4 muxer shifts). AVC/HEVC stay length-prefixed; keyframes are IDR/IRAP access
 *   units. Annex-B payloads from broken encoders are converted to length-prefixed, in one allocation,
 *   rather than rejected: the stream stays up and `annexBConverted` tells.
 * - Malformed tags throw `MediaFormatError` (codes `flv-*`, `avc-config-*`, `nal-*` ...) and leave the
 *   demuxer state unchanged, so the caller may count the error and go on.
 * - SequenceEnd yields `end`; the config is kept, so a repeat of it afterwards is still not a change.
 */
export class FlvDemuxer {
  readonly counters: FlvDemuxerCounters = newCounters();
  private currentVideoConfig: VideoConfig | undefined;
  private currentAudioConfig: AudioConfig | undefined;
  /** The raw audio sequence header, for the identical-repeat check (OpusConfig keeps no record). */
  private audioRecord: Buffer | undefined;

  /** The config in force, for late joiners (a new packager, a player). */
  get videoConfig(): VideoConfig | undefined {
    return this.currentVideoConfig;
  }

  get audioConfig(): AudioConfig | undefined {
    return this.currentAudioConfig;
  }

  /** One RTMP type-9 message (FLV VIDEODATA body) with its timestamp in milliseconds (the DTS). */
  pushVideo(dts: number, body: Buffer): FlvDemuxEvent | undefined {
    const tag = parseVideoTag(body);
    const dropped = this.counters.dropped;
    switch (tag.packetType) {
      case 'sequence-start':
        if (!tag.codec) return void dropped.unsupportedVideoCodec++;
        return this.videoSequenceStart(tag);
      case 'coded-frames':
        if (!tag.codec) return void dropped.unsupportedVideoCodec++;
        return this.videoFrame(tag, dts);
      case 'sequence-end':
        return { type: 'end', track: 'video' };
      case 'command':
        return void dropped.videoCommand++;
      case 'metadata':
        return void dropped.videoMetadata++;
      case 'mpeg2ts-sequence-start':
        return void dropped.mpeg2TsSequenceStart++;
    }
  }

  /** One RTMP type-8 message (FLV AUDIODATA body) with its timestamp in milliseconds (the DTS). */
  pushAudio(dts: number, body: Buffer): FlvDemuxEvent | undefined {
    const tag = parseAudioTag(body);
    const dropped = this.counters.dropped;
    switch (tag.packetType) {
      case 'sequence-start':
        if (!tag.codec) return void dropped.unsupportedAudioCodec++;
        return this.audioSequenceStart(tag);
      case 'coded-frames':
        if (!tag.codec) return void dropped.unsupportedAudioCodec++;
        return this.audioFrame(tag, dts);
      case 'sequence-end':
        return { type: 'end', track: 'audio' };
      case 'multichannel-config':
        return void dropped.multichannelConfig++;
    }
  }

  private videoSequenceStart(tag: FlvVideoTag): FlvDemuxEvent | undefined {
    const previous = this.currentVideoConfig;
    if (previous && previous.codec === tag.codec && previous.record.equals(tag.payload)) {
      return void this.counters.repeatedConfigs++;
    }
    const config = parseVideoConfig(tag, Buffer.from(tag.payload));
    this.currentVideoConfig = config;
    this.counters.videoConfigs++;
    return { type: 'config', track: 'video', config, changed: previous !== undefined };
  }

  private videoFrame(tag: FlvVideoTag, dts: number): FlvDemuxEvent | undefined {
    const config = this.currentVideoConfig;
    if (!config || config.codec !== tag.codec) return void this.counters.dropped.videoBeforeConfig++;
    if (tag.payload.length === 0) return void this.counters.dropped.emptyFrame++;
    let payload = tag.payload;
    const flaggedKey = tag.frameType === FRAME_TYPE.key || tag.frameType === FRAME_TYPE.generatedKey;
    let keyframe = flaggedKey;
    if (config.codec === 'avc' || config.codec === 'hevc') {
      payload = this.lengthPrefixed(payload, config.nalLengthSize);
      keyframe =
        config.codec === 'avc'
          ? containsAvcIdr(payload, config.nalLengthSize)
          : containsHevcIrap(payload, config.nalLengthSize);
      if (keyframe !== flaggedKey) this.counters.keyframeMismatches++;
    }
    this.counters.videoPackets++;
    return {
      type: 'packet',
      packet: { track: 'video', codec: config.codec, dts, pts: dts + tag.compositionTime, keyframe, payload },
    };
  }

  /** AVCC/HVCC as is; Annex-B converted (see the class doc); anything else is malformed. */
  private lengthPrefixed(payload: Buffer, nalLengthSize: number): Buffer {
    const framing = detectNalFraming(payload, nalLengthSize);
    if (framing === 'length-prefixed') return payload;
    if (framing === 'annex-b') {
      const converted = annexBToLengthPrefixed(payload, nalLengthSize);
      this.counters.annexBConverted++;
      return converted;
    }
    throw new MediaFormatError(
      'flv-video-nal-framing',
      `NAL lengths (size ${nalLengthSize}) do not tile ${payload.length} bytes`,
    );
  }

  private audioSequenceStart(tag: FlvAudioTag): FlvDemuxEvent | undefined {
    // ffmpeg may send an empty AAC sequence header (`AF 00`) before the real one.
    if (tag.payload.length === 0) return void this.counters.dropped.emptyAudioConfig++;
    if (tag.codec === 'opus' && isOpusTags(tag.payload)) return void this.counters.dropped.opusTags++;
    const previous = this.currentAudioConfig;
    if (previous && previous.codec === tag.codec && this.audioRecord?.equals(tag.payload)) {
      return void this.counters.repeatedConfigs++;
    }
    const record = Buffer.from(tag.payload);
    const config = tag.codec === 'opus' ? parseOpusConfig(record) : parseAacConfig(record);
    this.currentAudioConfig = config;
    this.audioRecord = record;
    this.counters.audioConfigs++;
    return { type: 'config', track: 'audio', config, changed: previous !== undefined };
  }

  private audioFrame(tag: FlvAudioTag, dts: number): FlvDemuxEvent | undefined {
    const config = this.currentAudioConfig;
    if (!config || config.codec !== tag.codec) return void this.counters.dropped.audioBeforeConfig++;
    if (tag.payload.length === 0) return void this.counters.dropped.emptyFrame++;
    this.counters.audioPackets++;
    return {
      type: 'packet',
      packet: { track: 'audio', codec: config.codec, dts, pts: dts, keyframe: true, payload: tag.payload },
    };
  }
}
