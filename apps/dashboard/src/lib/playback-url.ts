/**
 * The same-origin path of a live stream's multivariant playlist, with the playback token for keys
 * with signed playback. Same origin, so it works whatever PUBLIC_URL says (the server builds the
 * absolute one it returns as `playbackUrl`).
 */
export function livePlaybackPath(playbackId: string, token?: string | null): string {
  const path = `/live/${playbackId}/index.m3u8`;
  return token ? `${path}?token=${encodeURIComponent(token)}` : path;
}

/** The same-origin path of a live stream's latest keyframe as a JPEG `width` pixels wide (token as for HLS). */
export function liveThumbnailPath(playbackId: string, width: number, token?: string | null): string {
  const query = new URLSearchParams({ width: String(width) });
  if (token) query.set('token', token);
  return `/live/${playbackId}/thumbnail.jpg?${query.toString()}`;
}
