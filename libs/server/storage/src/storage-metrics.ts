import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Labels carry reasons only, never keys (they name streams and recordings). */
export function createStorageMetrics(metrics: MetricsRegistry) {
  return {
    queueItems: metrics.gauge({
      name: 'storage_queue_items',
      help: 'Uploads waiting or in flight in the write-behind queue (memory)',
    }),
    queueBytes: metrics.gauge({
      name: 'storage_queue_bytes',
      help: 'Bytes held by the write-behind queue (bounded by STORAGE_QUEUE_MAX_BYTES)',
    }),
    uploadSeconds: metrics.histogram({
      name: 'storage_upload_seconds',
      help: 'Duration of successful object uploads by the write-behind uploader',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    }),
    uploadFailures: metrics.counter({
      name: 'storage_upload_failures_total',
      help: 'Failed upload attempts by reason: timeout, unavailable, forbidden, misconfigured, io, invalid-key, error',
      labelNames: ['reason'],
    }),
    spooledBytes: metrics.gauge({
      name: 'storage_spooled_bytes',
      help: 'Bytes of uploads kept in DATA_DIR/spool until the store takes them (bounded by STORAGE_SPOOL_MAX_BYTES)',
    }),
    dropped: metrics.counter({
      name: 'storage_dropped_total',
      help: 'Uploads given up for good, by reason: spool-full, spool-error, invalid-key',
      labelNames: ['reason'],
    }),
  };
}

export type StorageMetrics = ReturnType<typeof createStorageMetrics>;
