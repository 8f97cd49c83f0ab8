import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** How this node serves streams owned by other nodes. */
export function createEdgeMetrics(metrics: MetricsRegistry) {
  return {
    cache: metrics.counter({
      name: 'edge_cache_requests_total',
      help: 'Immutable objects of other nodes’ streams asked of the edge cache, by outcome (hit, miss)',
      labelNames: ['outcome'],
    }),
    coalesced: metrics.counter({
      name: 'edge_coalesced_requests_total',
      help: 'Edge requests answered by an upstream request already in flight (or just answered)',
      labelNames: ['kind'],
    }),
    upstream: metrics.histogram({
      name: 'edge_upstream_seconds',
      help: 'Requests to the node that owns a stream, by kind and status, in seconds (blocking reloads included)',
      labelNames: ['kind', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
    }),
  };
}

export type EdgeMetrics = ReturnType<typeof createEdgeMetrics>;
