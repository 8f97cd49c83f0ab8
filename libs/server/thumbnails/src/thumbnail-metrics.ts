import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Thumbnail decoding and serving (labels are outcomes and sources, never ids). */
export function createThumbnailMetrics(metrics: MetricsRegistry) {
  return {
    decodes: metrics.counter({
      name: 'thumbnail_decodes_total',
      help: 'Thumbnail decodes (ffmpeg runs) by result: ok, timeout, decode-failed, too-large, unsupported',
      labelNames: ['result'],
    }),
    decodeSeconds: metrics.histogram({
      name: 'thumbnail_decode_seconds',
      help: 'Time one thumbnail decode held a decoder (input read, ffmpeg start to exit)',
      buckets: [0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4],
    }),
    running: metrics.gauge({ name: 'thumbnail_decoders_running', help: 'Thumbnail decoders running now' }),
    peak: metrics.gauge({
      name: 'thumbnail_decoders_peak',
      help: 'The most thumbnail decoders that ran at once since start (bounded by THUMBNAIL_MAX_DECODERS)',
    }),
    queued: metrics.gauge({ name: 'thumbnail_queue_length', help: 'Thumbnail decodes waiting for a decoder' }),
    cache: metrics.counter({
      name: 'thumbnail_cache_total',
      help: 'Thumbnail images looked up in memory: hit, or miss (decoded or joined a decode in progress)',
      labelNames: ['outcome'],
    }),
    shared: metrics.counter({
      name: 'thumbnail_decodes_shared_total',
      help: 'Thumbnail requests that joined a decode of the same picture already queued or running',
    }),
    rejected: metrics.counter({
      name: 'thumbnail_rejected_total',
      help: 'Thumbnail decodes refused for load (answered 503): queue_full, waited_too_long',
      labelNames: ['reason'],
    }),
    requests: metrics.counter({
      name: 'thumbnail_requests_total',
      help: 'Thumbnail requests by source (live, vod) and status',
      labelNames: ['source', 'status'],
    }),
  };
}

export type ThumbnailMetrics = ReturnType<typeof createThumbnailMetrics>;
