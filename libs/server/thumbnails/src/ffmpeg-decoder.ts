import { spawn } from 'node:child_process';
import type { DecoderInput } from './keyframe-input.js';
import { ThumbnailError } from './thumbnail-error.js';
import { MAX_WIDTH } from './thumbnail-query.js';

export type ImageFormat = 'jpeg' | 'webp';

export interface FrameRequest {
  input: DecoderInput;
  /** Output width in pixels (height follows the aspect ratio, even); unset: the picture's own (at most MAX_WIDTH). */
  width?: number;
  format: ImageFormat;
}

/** No thumbnail this server makes is near this (a 1920-wide JPEG is a few hundred KB). */
export const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
const MAX_STDERR_BYTES = 2048;

/** The ffmpeg command line for one frame: input on stdin, one image on stdout, one thread, no audio. */
export function ffmpegArgs(request: FrameRequest): string[] {
  const { input, width, format } = request;
  const args = ['-hide_banner', '-nostats', '-v', 'error', '-threads', '1', '-f', input.format, '-i', 'pipe:0'];
  args.push('-an', '-sn', '-dn');
  if (input.seekSeconds !== undefined && input.seekSeconds > 0) args.push('-ss', input.seekSeconds.toFixed(3));
  args.push('-frames:v', '1', '-filter_threads', '1');
  // Unset: the picture's own width, but no wider than the largest a client may ask for.
  args.push('-vf', width !== undefined ? `scale=${width}:-2` : `scale=w=min(iw\\,${MAX_WIDTH}):h=-2`);
  if (format === 'jpeg') args.push('-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p', '-q:v', '4');
  else args.push('-c:v', 'libwebp', '-quality', '75');
  args.push('-f', 'image2pipe', 'pipe:1');
  return args;
}

/**
 * Decodes one frame with ffmpeg as a child process (decoding, not the media path: no codec of our own).
 * The input is written to its stdin and the image read from its stdout, capped at `MAX_IMAGE_BYTES`;
 * `signal` kills the process (SIGKILL to its PID). Resolves only once the process has exited, so a caller
 * counting running decodes counts processes.
 */
export function decodeFrame(ffmpeg: string, request: FrameRequest, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ThumbnailError('timeout', 'aborted before ffmpeg started'));
    const child = spawn(ffmpeg, ffmpegArgs(request), { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    let outputBytes = 0;
    let stderr = '';
    let failure: ThumbnailError | undefined;
    const kill = (error: ThumbnailError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const onAbort = () => kill(new ThumbnailError('timeout', 'ffmpeg was stopped'));
    signal.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => {
      outputBytes += chunk.length;
      if (outputBytes > MAX_IMAGE_BYTES)
        return kill(new ThumbnailError('too-large', `image over ${MAX_IMAGE_BYTES} bytes`));
      output.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR_BYTES) stderr += chunk.toString('utf8').slice(0, MAX_STDERR_BYTES - stderr.length);
    });
    // ffmpeg may stop reading once it has its frame (or on bad input): a closed pipe is not our error.
    child.stdin.on('error', () => undefined);
    // Not started at all (ENOENT): there may be no 'close' to wait for, and no process to count.
    child.once('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      reject(new ThumbnailError('decode-failed', `ffmpeg could not be started (${ffmpeg}): ${error.message}`));
    });
    child.once('close', (code, exitSignal) => {
      signal.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      if (code !== 0 || outputBytes === 0) {
        const why = stderr.trim().split('\n').slice(-3).join(' / ') || `exit ${code ?? exitSignal}`;
        return reject(new ThumbnailError('decode-failed', `ffmpeg produced no image: ${why}`));
      }
      resolve(Buffer.concat(output, outputBytes));
    });
    writeInput(child.stdin, request.input.chunks);
  });
}

function writeInput(stdin: NodeJS.WritableStream, chunks: readonly Buffer[]): void {
  for (const chunk of chunks) stdin.write(chunk);
  stdin.end();
}
