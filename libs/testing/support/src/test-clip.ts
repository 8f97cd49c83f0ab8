import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClipSpec {
  seconds: number;
  width: number;
  height: number;
  fps: number;
  /** x264 B-frames (High profile when > 0, else Baseline). */
  bframes: number;
  /** Keyframe interval in frames. */
  gop: number;
  videoKbps: number;
  /** AAC-LC bit rate; 0 for a clip without audio. */
  audioKbps: number;
  audioSampleRate: number;
}

/** What the end-to-end tests publish: 640x360p30 H.264 (3 B-frames, 2 s GOP) 800 kbit/s + AAC 96 kbit/s 44.1 kHz, 30 s. */
export const DEFAULT_CLIP: ClipSpec = {
  seconds: 30,
  width: 640,
  height: 360,
  fps: 30,
  bframes: 3,
  gop: 60,
  videoKbps: 800,
  audioKbps: 96,
  audioSampleRate: 44_100,
};

/** The benchmarks' clip: 2.5 Mbit/s 720p30 H.264 (High, 2 B-frames, 2 s GOP) + AAC-LC 128 kbit/s 48 kHz, 20 s. */
export const LIVE_CLIP: ClipSpec = {
  seconds: 20,
  width: 1280,
  height: 720,
  fps: 30,
  bframes: 2,
  gop: 60,
  videoKbps: 2500,
  audioKbps: 128,
  audioSampleRate: 48_000,
};

/**
 * A synthetic H.264 (+ AAC) MP4 made with the real ffmpeg once per machine and spec (cached in the temp
 * directory): a moving test pattern (so x264 spends its bits) and a sine tone, so both tracks carry
 * signal. `log` hears about the (slow) first encoding. Bounded to 3 minutes.
 */
export async function testClip(
  overrides: Partial<ClipSpec> = {},
  log: (line: string) => void = () => undefined,
): Promise<string> {
  const spec = { ...DEFAULT_CLIP, ...overrides };
  const dir = join(tmpdir(), 'rapidrtmp-clips');
  mkdirSync(dir, { recursive: true });
  const audio = spec.audioKbps > 0 ? `-aac${spec.audioKbps}k-${spec.audioSampleRate}` : '';
  const name = `clip-${spec.seconds}s-${spec.width}x${spec.height}p${spec.fps}-bf${spec.bframes}-g${spec.gop}-${spec.videoKbps}k${audio}.mp4`;
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const partial = `${path}.${process.pid}.partial.mp4`;
  const started = Date.now();
  log(`encoding the test clip once (${name}) ...`);
  const duration = `duration=${spec.seconds}`;
  const args = [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}:${duration}`,
  ];
  if (spec.audioKbps > 0) {
    args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=${spec.audioSampleRate}:${duration}`);
  }
  args.push(
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', spec.bframes > 0 ? 'high' : 'baseline'],
    ...['-pix_fmt', 'yuv420p', '-bf', String(spec.bframes)],
    ...['-g', String(spec.gop), '-keyint_min', String(spec.gop), '-sc_threshold', '0'],
    ...['-b:v', `${spec.videoKbps}k`, '-maxrate', `${spec.videoKbps}k`, '-bufsize', `${spec.videoKbps * 2}k`],
  );
  if (spec.audioKbps > 0) args.push('-c:a', 'aac', '-b:a', `${spec.audioKbps}k`, '-ac', '2');
  args.push('-movflags', '+faststart', partial);
  await run('ffmpeg', args, { timeout: 180_000 });
  renameSync(partial, path);
  log(`encoded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return path;
}
