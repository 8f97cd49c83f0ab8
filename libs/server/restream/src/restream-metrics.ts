import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Labels are states and failure reasons only: never a URL, a label or a key. */
export function createRestreamMetrics(metrics: MetricsRegistry) {
  return {
    targets: metrics.gauge({
      name: 'restream_targets',
      help: 'Push targets of the streams live on this node, by state (connecting, live, retrying, disabled)',
      labelNames: ['state'],
    }),
    bytesSent: metrics.counter({
      name: 'restream_bytes_sent_total',
      help: 'Bytes handed to push targets’ sockets (RTMP chunks incl. headers)',
    }),
    reconnects: metrics.counter({
      name: 'restream_reconnects_total',
      help: 'Push attempts after the first of a target in a live stream',
    }),
    failures: metrics.counter({
      name: 'restream_failures_total',
      help: 'Failed push attempts and dropped pushes, by reason',
      labelNames: ['reason'],
    }),
    droppedPackets: metrics.counter({
      name: 'restream_dropped_packets_total',
      help: 'Media packets skipped for push targets that read too slowly (dropped to the next keyframe)',
    }),
    events: metrics.counter({
      name: 'restream_events_total',
      help: 'Targets reported failed or recovered (the restream.* webhook events)',
      labelNames: ['type'],
    }),
  };
}

export type RestreamMetrics = ReturnType<typeof createRestreamMetrics>;
