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
  /** x264 B-frames (High profile when > 0). */
  bframes: number;
  /** Keyframe interval in frames. */
  gop: number;
  videoBitrateK: number;
  audio: boolean;
}

export const DEFAULT_CLIP: ClipSpec = {
  seconds: 30,
  width: 640,
  height: 360,
  fps: 30,
  bframes: 3,
  gop: 60,
  videoBitrateK: 800,
  audio: true,
};

/**
 * A synthetic H.264 (+ AAC) MP4 made with the real ffmpeg once per machine and spec (cached in the temp
 * directory): moving test pattern with a burnt-in clock and a sine tone, so both tracks carry signal.
 */
export async function testClip(overrides: Partial<ClipSpec> = {}): Promise<string> {
  const spec = { ...DEFAULT_CLIP, ...overrides };
  const dir = join(tmpdir(), 'rapidrtmp-clips');
  mkdirSync(dir, { recursive: true });
  const name = `clip-${spec.seconds}s-${spec.width}x${spec.height}-${spec.fps}-bf${spec.bframes}-g${spec.gop}-${spec.videoBitrateK}k${spec.audio ? '-aac' : ''}.mp4`;
  const path = join(dir, name);
  if (existsSync(path)) return path;
  const partial = `${path}.${process.pid}.partial.mp4`;
  const args = [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}:duration=${spec.seconds}`,
  ];
  if (spec.audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${spec.seconds}`);
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-profile:v',
    spec.bframes > 0 ? 'high' : 'baseline',
    '-bf',
    String(spec.bframes),
    '-g',
    String(spec.gop),
    '-keyint_min',
    String(spec.gop),
    '-sc_threshold',
    '0',
    '-b:v',
    `${spec.videoBitrateK}k`,
    '-maxrate',
    `${spec.videoBitrateK}k`,
    '-bufsize',
    `${spec.videoBitrateK * 2}k`,
    '-pix_fmt',
    'yuv420p',
  );
  if (spec.audio) args.push('-c:a', 'aac', '-b:a', '96k', '-ac', '2');
  args.push('-movflags', '+faststart', partial);
  await run('ffmpeg', args, { timeout: 120_000 });
  renameSync(partial, path);
  return path;
}
