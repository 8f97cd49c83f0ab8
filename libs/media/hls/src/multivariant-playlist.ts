// The multivariant playlist (RFC 8216bis 4.4.6): one variant per media playlist the stream offers.

export interface VariantStream {
  /** Media playlist URI, relative to the multivariant playlist. */
  uri: string;
  /** RFC 6381 codec strings of every track (4.4.6.2: CODECS MUST list every format present). */
  codecs: string[];
  /** Peak segment bit rate, bits/s (4.4.6.2 BANDWIDTH). */
  bandwidth: number;
  /** Average segment bit rate, bits/s. */
  averageBandwidth?: number;
  resolution?: { width: number; height: number };
  frameRate?: number;
}

export function renderMultivariantPlaylist(variants: readonly VariantStream[]): string {
  const out = ['#EXTM3U', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of variants) {
    const attributes = [`BANDWIDTH=${Math.ceil(v.bandwidth)}`];
    if (v.averageBandwidth !== undefined) attributes.push(`AVERAGE-BANDWIDTH=${Math.ceil(v.averageBandwidth)}`);
    attributes.push(`CODECS="${v.codecs.join(',')}"`);
    if (v.resolution) attributes.push(`RESOLUTION=${v.resolution.width}x${v.resolution.height}`);
    // FRAME-RATE: decimal with at most three places (4.4.6.2).
    if (v.frameRate !== undefined && v.frameRate > 0) attributes.push(`FRAME-RATE=${v.frameRate.toFixed(3)}`);
    out.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, v.uri);
  }
  return `${out.join('\n')}\n`;
}
