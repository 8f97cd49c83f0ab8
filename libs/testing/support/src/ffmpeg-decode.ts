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
 * The real ffmpeg decoding `seconds` of media from `url` (HLS, HTTP-FLV, RTMP, a file) to nowhere with
 * `-v error`: an empty stderr and exit code 0 is a stream that decodes without a single error. Killed by
 * its PID after `timeoutMs`.
 */
export function decodeWithFfmpeg(url: string, seconds: number, timeoutMs = 60_000): Promise<DecodeResult> {
  const started = Date.now();
  const child = spawn(
    'ffmpeg',
    ['-hide_banner', '-nostdin', '-v', 'error', '-i', url, '-t', `${seconds}`, '-f', 'null', '-'],
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
