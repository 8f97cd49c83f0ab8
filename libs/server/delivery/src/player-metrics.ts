import { BoundLabels, CountsExporter, type MetricsRegistry } from '@rapidrtmp/server-metrics';

/** How a player is connected. */
export type PlayerProtocol = 'rtmp' | 'http_flv';
/** Why a player stopped: the stream ended, the client left, it fell behind for too long, or the server stopped it. */
export type PlayerEndReason = 'stream_ended' | 'client_closed' | 'stalled' | 'slow' | 'server';
/** Why a player was not admitted. */
export type PlayerRefusal = 'not_found' | 'forbidden' | 'other_node' | 'player_limit' | 'stream_player_limit';

/** RTMP play and HTTP-FLV metrics, by protocol (labels never carry a playback id). */
export function createPlayerMetrics(metrics: MetricsRegistry) {
  const players = metrics.gauge({
    name: 'playback_players',
    help: 'RTMP and HTTP-FLV players connected now, by protocol',
    labelNames: ['protocol'],
  });
  const ended = metrics.counter({
    name: 'playback_players_ended_total',
    help: 'Players that stopped, by protocol and reason (stalled and slow: disconnected for not keeping up)',
    labelNames: ['protocol', 'reason'],
  });
  const refused = metrics.counter({
    name: 'playback_players_refused_total',
    help: 'Players not admitted, by protocol and reason',
    labelNames: ['protocol', 'reason'],
  });
  return {
    players: new BoundLabels((protocol) => players.labels(protocol)),
    /** Per player, read at scrape time: the hot path only adds numbers. */
    bytesOut: new CountsExporter(metrics, {
      name: 'playback_bytes_out_total',
      help: 'FLV tag bytes written to RTMP and HTTP-FLV players, by protocol',
      labelName: 'protocol',
    }),
    dropped: new CountsExporter(metrics, {
      name: 'playback_dropped_packets_total',
      help: 'Media packets skipped for players that did not keep up (dropped to the next keyframe), by protocol',
      labelName: 'protocol',
    }),
    ended: new BoundLabels((protocol, reason) => ended.labels(protocol, reason)),
    refused: new BoundLabels((protocol, reason) => refused.labels(protocol, reason)),
  };
}

export type PlayerMetrics = ReturnType<typeof createPlayerMetrics>;
