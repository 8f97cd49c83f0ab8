/**
 * The public URL of a live stream's multivariant playlist (served by HlsRoutes), with the playback
 * token for keys with signed playback.
 */
export function livePlaybackUrl(publicUrl: string, playbackId: string, token?: string): string {
  const url = `${publicUrl}/live/${playbackId}/index.m3u8`;
  return token === undefined ? url : `${url}?token=${encodeURIComponent(token)}`;
}
