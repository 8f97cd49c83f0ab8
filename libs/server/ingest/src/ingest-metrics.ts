import type { FlvDemuxerCounters } from '@rapidrtmp/flv';
import { mediaBufferPool } from '@rapidrtmp/media-core';
import { CountsExporter, type MetricsRegistry } from '@rapidrtmp/server-metrics';

/** The ingest side's Prometheus metrics (labels never carry a stream key). */
export function createIngestMetrics(metrics: MetricsRegistry) {
  const mediaSlabs = new CountsExporter(metrics, {
    name: 'media_buffer_slabs_total',
    help: 'Media slabs by event: allocated afresh, reused once released, pinned (a holder that does not count: left to the GC), over_released (released more often than retained: a bug)',
    labelName: 'event',
  });
  const pool = mediaBufferPool.stats;
  mediaSlabs.track(mediaBufferPool, () => ({
    allocated: pool.allocated,
    reused: pool.reused,
    pinned: pool.pinned,
    over_released: pool.overReleased,
  }));
  metrics.gauge({
    name: 'media_buffer_free_slabs',
    help: 'Released media slabs waiting to be reused',
    collect() {
      this.set(pool.free);
    },
  });
  metrics.gauge({
    name: 'media_buffer_held_bytes',
    help: 'Bytes of the media slabs in use (received media that ingest, parts, segments or responses still hold)',
    collect() {
      this.set(pool.heldBytes);
    },
  });
  metrics.gauge({
    name: 'media_buffer_free_bytes',
    help: 'Bytes of the released media slabs waiting to be reused',
    collect() {
      this.set(pool.freeBytes);
    },
  });
  return {
    connections: metrics.gauge({
      name: 'rtmp_connections',
      help: 'Open RTMP connections, by transport (rtmp, rtmps)',
      labelNames: ['transport'],
    }),
    connectionsTotal: metrics.counter({
      name: 'rtmp_connections_total',
      help: 'Accepted RTMP TCP connections, by transport (rtmp, rtmps)',
      labelNames: ['transport'],
    }),
    publishers: metrics.gauge({ name: 'rtmp_live_publishers', help: 'RTMP publishers currently live' }),
    shed: metrics.counter({
      name: 'rtmp_connections_shed_total',
      help: 'Connections not yet authorized that were closed to make room for a new one, by the cap reached',
      labelNames: ['limit'],
    }),
    rejected: metrics.counter({
      name: 'rtmp_rejected_total',
      help: 'RTMP connections or publishes refused or closed for a violation, by reason',
      labelNames: ['reason'],
    }),
    bytesIn: metrics.counter({ name: 'rtmp_bytes_in_total', help: 'Bytes received from RTMP clients' }),
    /**
     * Each connection's counts (see packetKinds), added at scrape time: prom-client's inc per packet
     * showed in the live server's profile.
     */
    packetsIn: new CountsExporter(metrics, {
      name: 'rtmp_packets_in_total',
      help: 'Demuxed media packets by kind',
      labelName: 'kind',
    }),
    /** FlvDemuxer.counters, per connection (see flvDemuxerEvents). */
    flvEvents: new CountsExporter(metrics, {
      name: 'flv_demuxer_events_total',
      help: 'Tags the FLV demuxer dropped (dropped_*) or corrected, by event',
      labelName: 'event',
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;

/** rtmp_packets_in_total's `kind` values: what the demuxer emitted, and the tags it found malformed. */
export function packetKinds(counters: FlvDemuxerCounters, malformed: number): Record<string, number> {
  return {
    video: counters.videoPackets,
    audio: counters.audioPackets,
    config: counters.videoConfigs + counters.audioConfigs,
    malformed,
  };
}

/**
 * FlvDemuxerCounters as `event` label values. Packets and configs are left out: rtmp_packets_in_total
 * counts them already.
 */
export function flvDemuxerEvents({ dropped: d, ...c }: FlvDemuxerCounters): Record<string, number> {
  return {
    dropped_video_before_config: d.videoBeforeConfig,
    dropped_audio_before_config: d.audioBeforeConfig,
    dropped_empty_audio_config: d.emptyAudioConfig,
    dropped_unsupported_video_codec: d.unsupportedVideoCodec,
    dropped_unsupported_audio_codec: d.unsupportedAudioCodec,
    dropped_empty_frame: d.emptyFrame,
    dropped_video_command: d.videoCommand,
    dropped_video_metadata: d.videoMetadata,
    dropped_opus_tags: d.opusTags,
    dropped_multichannel_config: d.multichannelConfig,
    dropped_mpeg2ts_sequence_start: d.mpeg2TsSequenceStart,
    repeated_sequence_header: c.repeatedConfigs,
    annex_b_converted: c.annexBConverted,
    keyframe_flag_mismatch: c.keyframeMismatches,
  };
}
