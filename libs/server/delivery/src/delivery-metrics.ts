import type { PackagerStats } from '@rapidrtmp/hls';
import { BoundLabels, CountsExporter, type MetricsRegistry } from '@rapidrtmp/server-metrics';

export type HlsRequestKind = 'multivariant' | 'playlist' | 'init' | 'segment' | 'part' | 'other';

/** HLS packaging and delivery metrics (labels are kinds and statuses, never ids). */
export function createDeliveryMetrics(metrics: MetricsRegistry) {
  const blockingWait = metrics.histogram({
    name: 'hls_blocking_wait_seconds',
    help: 'Time blocking playlist reloads and preload-hint part requests were held',
    labelNames: ['kind', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
  });
  return {
    streams: metrics.gauge({ name: 'hls_streams', help: 'Streams with an HLS packager in memory' }),
    segments: metrics.counter({ name: 'hls_segments_total', help: 'HLS media segments produced' }),
    parts: metrics.counter({ name: 'hls_parts_total', help: 'LL-HLS partial segments produced' }),
    releasedSegments: metrics.counter({
      name: 'hls_segments_released_total',
      help: 'Listed segments whose bytes left memory once stored (served from storage after; HLS_MEMORY_SECONDS)',
    }),
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
    /** By kind and status: every request counts here, so a plain addition (`labels(kind, status).inc()`). */
    requests: metrics.hotCounter({
      name: 'hls_requests_total',
      help: 'HLS requests by resource kind and status',
      labelNames: ['kind', 'status'],
    }),
    /** Every response adds here: `bytesOut.inc(n)`. */
    bytesOut: metrics
      .hotCounter({ name: 'hls_bytes_out_total', help: 'HLS bytes served from memory', labelNames: [] })
      .unlabelled(),
    /** By kind and outcome, bound once per pair. */
    blockingWait: new BoundLabels((kind, outcome) => blockingWait.labels(kind, outcome)),
    /** LiveSpill.counters (segments of unrecorded streams on this node's disk). */
    spill: new CountsExporter(metrics, {
      name: 'hls_spill_segments_total',
      help: 'Segments of unrecorded streams written to (stored, failed, skipped: too many writes at once) or removed from local disk once out of memory',
      labelName: 'event',
    }),
    /** LivePackager.stats, per stream (see packagerEvents). */
    packagerEvents: new CountsExporter(metrics, {
      name: 'hls_packager_events_total',
      help: 'Packets the HLS packager dropped (dropped_*) or timestamps it corrected, by event',
      labelName: 'event',
    }),
  };
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;

/** PackagerStats as `event` label values (its discontinuities are in hls_discontinuities_total). */
export function packagerEvents(stats: PackagerStats): Record<string, number> {
  return {
    dropped_without_config: stats.droppedWithoutConfig,
    dropped_video_before_keyframe: stats.droppedVideoBeforeKeyframe,
    dropped_audio_before_start: stats.droppedAudioBeforeStart,
    dropped_after_end: stats.droppedAfterEnd,
    dropped_overlapping_audio: stats.droppedOverlappingAudio,
    video_timestamp_adjusted: stats.adjustedVideoTimestamps,
    audio_reanchored: stats.audioReanchors,
  };
}
