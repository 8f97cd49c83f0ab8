import { spawn } from 'node:child_process';

export interface DecodeResult {
  /** ffmpeg's exit code (null when it was killed). */
  code: number | null;
  /** With `-v error`, empty means a clean decode. */
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/**
 * The real ffmpeg decoding `seconds` of media (all of it when undefined: a live stream up to its end) from
 * `url` (HLS, HTTP-FLV, RTMP, a file) to nowhere with `-v error`: an empty stderr and exit code 0 is a stream
 * that decodes without a single error. Killed by its PID after `timeoutMs`.
 *
 * Video is re-timed to milliseconds, not to the frame rate (the default): the null muxer otherwise rounds
 * each frame's time since the first packet of any track to a frame count, and a stream whose audio starts
 * half a frame after its keyframe (a valid start) makes every third 30 fps frame collide with the one
 * before ("non monotonically increasing dts to muxer"). Timestamps that really go back still show.
 */
export function decodeWithFfmpeg(url: string, seconds: number | undefined, timeoutMs = 60_000): Promise<DecodeResult> {
  const started = Date.now();
  const child = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-v', 'error', '-i', url],
      ...(seconds === undefined ? [] : ['-t', `${seconds}`]),
      ...['-enc_time_base:v', '1/1000', '-f', 'null', '-'],
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)));
  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr, ms: Date.now() - started, timedOut });
    });
  });
}
