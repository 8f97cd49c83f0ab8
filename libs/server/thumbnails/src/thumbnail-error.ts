/**
 * Why a thumbnail could not be made. `busy` and `timeout` are load (answered 503 with Retry-After: try
 * again soon); `decode-failed` and `too-large` are this picture's own problem; `unsupported` is a codec or
 * input ffmpeg cannot be given here.
 */
export type ThumbnailErrorCode = 'busy' | 'timeout' | 'decode-failed' | 'too-large' | 'unsupported';

export class ThumbnailError extends Error {
  constructor(
    readonly code: ThumbnailErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ThumbnailError';
  }
}
