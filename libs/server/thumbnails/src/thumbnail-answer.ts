import type { ImageFormat } from './ffmpeg-decoder.js';

/** What a thumbnail request asked for, as the routes read it. */
export interface ThumbnailAsk {
  format: ImageFormat;
  /** `?width=` as sent. */
  width?: string;
  /** `?token=`: a playback token, for signed playback. */
  token?: string;
  /** From another node of the cluster (CLUSTER_SECRET): no token needed, never passed on again. */
  peer: boolean;
}

/**
 * A picture that may be served, made only when needed (`image`): an `etag` known beforehand lets a
 * revalidation be answered 304 without decoding. Or why not (status and a reason for humans).
 */
export type ThumbnailAnswer =
  | {
      ok: true;
      /** Known before decoding for pictures made here; a relayed one is named by its bytes. */
      etag?: string;
      /** Signed playback: browsers may keep it, shared caches may not. */
      signed: boolean;
      maxAgeSeconds: number;
      image: () => Promise<Buffer>;
    }
  | { ok: false; status: number; detail: string };

export const tokenRequired: ThumbnailAnswer = { ok: false, status: 403, detail: 'playback token required' };

/** About one keyframe interval: a browser or CDN may reuse a live picture this long. */
export const LIVE_MAX_AGE_SECONDS = 2;
