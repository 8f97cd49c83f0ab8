// Test support: real clips and synthetic streams shaped as RTMP delivers them to the packager.
import type { AacConfig, AvcConfig, MediaPacket } from '@rapidrtmp/media-core';
import { loadClip } from '@rapidrtmp/fmp4/testing';

export interface RtmpStream {
  video: AvcConfig;
  audio: AacConfig;
  /** Interleaved by dts, video first on ties, as an RTMP muxer sends them. */
  packets: MediaPacket[];
}

export interface ClipOptions {
  /** Added to every timestamp (ms). */
  offsetMs?: number;
  /**
   * Presentation shift in source ticks subtracted from every video cts: with the B-frame delay, the
   * first frame gets pts = dts and later B-frames negative composition times (some encoders send that).
   */
  videoCtsShift?: number;
}

/**
 * A progressive MP4 as RTMP would carry it: FLV timestamps are integer milliseconds, dts and pts each
 * rounded (ffmpeg's flv muxer rescales both), composition time = pts - dts.
 */
export function rtmpStreamFromClip(source: Buffer, options: ClipOptions = {}): RtmpStream {
  const [video, audio] = loadClip(source);
  if (video!.config.codec !== 'avc' || audio!.config.codec !== 'aac') throw new Error('fixture must be H.264 + AAC');
  const offset = options.offsetMs ?? 0;
  const shift = options.videoCtsShift ?? 0;
  const ms = (ticks: number, timescale: number): number => Math.round((ticks * 1000) / timescale) + offset;
  const packets: MediaPacket[] = [];
  for (const s of video!.samples) {
    const dts = ms(s.dts, s.timescale);
    packets.push({
      track: 'video',
      codec: 'avc',
      dts,
      pts: ms(s.cts - shift, s.timescale),
      keyframe: s.isSync,
      payload: s.data,
    });
  }
  for (const s of audio!.samples) {
    const dts = ms(s.dts, s.timescale);
    packets.push({ track: 'audio', codec: 'aac', dts, pts: dts, keyframe: true, payload: s.data });
  }
  packets.sort((a, b) => a.dts - b.dts || (a.track === b.track ? 0 : a.track === 'video' ? -1 : 1));
  return { video: video!.config, audio: audio!.config, packets };
}

export interface SyntheticOptions {
  seconds: number;
  fps?: number;
  /** Whether video frame n is a keyframe (default: every 2 s). */
  keyframe?: (frame: number, fps: number) => boolean;
  audio?: boolean;
  video?: boolean;
  offsetMs?: number;
  /** AAC sample rate (default 48000). */
  sampleRate?: number;
}

/** Configs for synthetic streams: structurally valid, never decoded. */
export function syntheticConfigs(
  width = 1280,
  height = 720,
  sampleRate = 48000,
): { video: AvcConfig; audio: AacConfig } {
  const sps = Buffer.from([0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9, 0x40]);
  const pps = Buffer.from([0x68, 0xeb, 0xe3, 0xcb]);
  const record = Buffer.concat([
    Buffer.from([1, 0x64, 0x00, 0x1f, 0xff, 0xe1, 0, sps.length]),
    sps,
    Buffer.from([1, 0, pps.length]),
    pps,
    Buffer.from([width >> 8, width & 0xff]),
  ]);
  const video: AvcConfig = {
    codec: 'avc',
    record,
    profileIdc: 0x64,
    profileCompatibility: 0,
    levelIdc: 0x1f,
    nalLengthSize: 4,
    sps: [sps],
    pps: [pps],
    width,
    height,
    sarWidth: 1,
    sarHeight: 1,
    codecString: 'avc1.64001f',
  };
  const rateIndex = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000].indexOf(sampleRate);
  const asc = Buffer.from([(2 << 3) | (rateIndex >> 1), ((rateIndex & 1) << 7) | (2 << 3)]);
  const audio: AacConfig = {
    codec: 'aac',
    asc,
    objectType: 2,
    sampleRate,
    channels: 2,
    samplesPerFrame: 1024,
    codecString: 'mp4a.40.2',
  };
  return { video, audio };
}

/** Interleaved ms-timestamped packets with small payloads (the frame number inside, for tracing). */
export function syntheticPackets(options: SyntheticOptions): MediaPacket[] {
  const fps = options.fps ?? 30;
  const offset = options.offsetMs ?? 0;
  const sampleRate = options.sampleRate ?? 48000;
  const keyframe = options.keyframe ?? ((n: number, rate: number) => n % Math.round(2 * rate) === 0);
  const packets: MediaPacket[] = [];
  if (options.video !== false) {
    for (let n = 0; n < options.seconds * fps; n++) {
      const dts = Math.round((n * 1000) / fps) + offset;
      const payload = Buffer.alloc(200);
      payload.writeUInt32BE(n, 4);
      packets.push({ track: 'video', codec: 'avc', dts, pts: dts, keyframe: keyframe(n, fps), payload });
    }
  }
  if (options.audio !== false) {
    for (let n = 0; (n * 1024) / sampleRate < options.seconds; n++) {
      const dts = Math.round((n * 1024 * 1000) / sampleRate) + offset;
      packets.push({
        track: 'audio',
        codec: 'aac',
        dts,
        pts: dts,
        keyframe: true,
        payload: Buffer.alloc(50, n & 0xff),
      });
    }
  }
  return packets.sort((a, b) => a.dts - b.dts || (a.track === b.track ? 0 : a.track === 'video' ? -1 : 1));
}
