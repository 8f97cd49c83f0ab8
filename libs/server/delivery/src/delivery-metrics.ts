import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

export type HlsRequestKind = 'multivariant' | 'playlist' | 'init' | 'segment' | 'part' | 'other';

/** HLS packaging and delivery metrics (labels are kinds and statuses, never ids). */
export function createDeliveryMetrics(metrics: MetricsRegistry) {
  return {
    streams: metrics.gauge({ name: 'hls_streams', help: 'Streams with an HLS packager in memory' }),
    segments: metrics.counter({ name: 'hls_segments_total', help: 'HLS media segments produced' }),
    parts: metrics.counter({ name: 'hls_parts_total', help: 'LL-HLS partial segments produced' }),
    segmentDuration: metrics.histogram({
      name: 'hls_segment_duration_seconds',
      help: 'Duration of produced HLS segments',
      buckets: [0.5, 1, 1.5, 2, 2.5, 3, 4, 6, 8, 12],
    }),
    discontinuities: metrics.counter({
      name: 'hls_discontinuities_total',
      help: 'Discontinuities by cause',
      labelNames: ['reason'],
    }),
    requests: metrics.counter({
      name: 'hls_requests_total',
      help: 'HLS requests by resource kind and status',
      labelNames: ['kind', 'status'],
    }),
    bytesOut: metrics.counter({ name: 'hls_bytes_out_total', help: 'HLS bytes served from memory' }),
    blockingWait: metrics.histogram({
      name: 'hls_blocking_wait_seconds',
      help: 'Time blocking playlist reloads and preload-hint part requests were held',
      labelNames: ['kind', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
    }),
  };
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;
