/**
 * What the key and stream APIs show of playback: URLs, signed playback tokens and viewer counts. Delivery
 * (HLS) owns them and builds on the streams and stream-keys libs, so it implements and binds this.
 */
export abstract class LivePlayback {
  /** The public URL of a live stream's playlist, with a playback token for keys with signed playback. */
  abstract url(playbackId: string, token?: string): string;
  /** A playback token valid for `ttlSeconds`. */
  abstract sign(playbackId: string, ttlSeconds: number): { token: string; expiresAt: Date };
  /** Estimated concurrent viewers of a playback id. */
  abstract viewers(playbackId: string): number;
}
