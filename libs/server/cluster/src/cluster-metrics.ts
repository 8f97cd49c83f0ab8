import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Cluster metrics: what this node sees of the cluster and what it does about ownership. */
export function createClusterMetrics(metrics: MetricsRegistry) {
  return {
    nodes: metrics.gauge({ name: 'cluster_nodes', help: 'Nodes with a live lease, as of this node’s last heartbeat' }),
    nodesLost: metrics.counter({
      name: 'cluster_nodes_lost_total',
      help: 'Lost nodes (lease expired) whose sessions this node ended',
    }),
    ownershipChanges: metrics.counter({
      name: 'cluster_ownership_changes_total',
      help: 'Stream leases taken, released, taken over from another node, or lost by this node',
      labelNames: ['change'],
    }),
  };
}

export type ClusterMetrics = ReturnType<typeof createClusterMetrics>;
