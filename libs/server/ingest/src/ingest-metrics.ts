import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

export type RejectReason =
  | 'max_connections'
  | 'max_connections_per_ip'
  | 'handshake_timeout'
  | 'idle_timeout'
  | 'protocol_error'
  | 'bad_key'
  | 'key_revoked'
  | 'key_banned'
  | 'owner_disabled'
  | 'already_live'
  | 'slow_reader';

/** The ingest side's Prometheus metrics (labels never carry a stream key). */
export function createIngestMetrics(metrics: MetricsRegistry) {
  const packetsIn = metrics.counter({
    name: 'rtmp_packets_in_total',
    help: 'Demuxed media packets by kind',
    labelNames: ['kind'],
  });
  return {
    connections: metrics.gauge({ name: 'rtmp_connections', help: 'Open RTMP connections' }),
    connectionsTotal: metrics.counter({ name: 'rtmp_connections_total', help: 'Accepted RTMP TCP connections' }),
    publishers: metrics.gauge({ name: 'rtmp_live_publishers', help: 'RTMP publishers currently live' }),
    rejected: metrics.counter({
      name: 'rtmp_rejected_total',
      help: 'RTMP connections or publishes refused or closed for a violation, by reason',
      labelNames: ['reason'],
    }),
    bytesIn: metrics.counter({ name: 'rtmp_bytes_in_total', help: 'Bytes received from RTMP clients' }),
    packetsIn,
    // Bound once: looking a label set up per packet showed in profiles.
    videoPackets: packetsIn.labels('video'),
    audioPackets: packetsIn.labels('audio'),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
