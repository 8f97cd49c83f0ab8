import { type BeforeApplicationShutdown, Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { ReadinessChecks } from '@rapidrtmp/server-health';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { type ClusterNode, ClusterRepository } from './cluster.repository.js';
import { createClusterMetrics, type ClusterMetrics } from './cluster-metrics.js';

/** A node that stopped renewing its lease (or this node's own previous run, at start-up). */
export interface NodeLoss {
  nodeId: string;
}

export type NodeLossListener = (loss: NodeLoss) => Promise<void> | void;
/**
 * After each heartbeat: the stream keys this node still holds, as of `checkedAt` (leases taken later are
 * not in the set yet). A stream whose key is missing lost its lease: `node_lost` when the cluster declared
 * this node lost, `taken_over` when another node took the key.
 */
export type LeasesLostListener = (
  held: ReadonlySet<string>,
  checkedAt: number,
  reason: 'node_lost' | 'taken_over',
) => void;

/**
 * This node's membership: registers in `cluster_nodes`, renews its lease (and its streams' leases) every
 * third of the lease, and sweeps for nodes whose lease ran out. Losses are claimed with a DELETE, so each
 * is handled by exactly one node: its leases are released and listeners (the sessions, recordings and,
 * through the sessions, webhooks) react once. A previous run of this node that died is handled the same
 * way at start-up.
 */
@Injectable()
export class ClusterMembership implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;
  private readonly metrics: ClusterMetrics;
  private readonly lossListeners = new Set<NodeLossListener>();
  private readonly leasesLostListeners = new Set<LeasesLostListener>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private lastHeartbeatAt = 0;
  private lastError: string | undefined;
  /**
   * No sweep for lost nodes before this time: after this node could not reach the database, the others
   * probably could not either, and must get a lease's time to renew before anyone is declared lost.
   */
  private sweepAfter = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: ClusterRepository,
    private readonly readiness: ReadinessChecks,
    @Inject(ROOT_LOGGER) logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.log = logger.child({ module: 'cluster' });
    this.metrics = createClusterMetrics(metrics);
  }

  get leaseSeconds(): number {
    return this.config.cluster.leaseSeconds;
  }

  onNodeLost(listener: NodeLossListener): () => void {
    this.lossListeners.add(listener);
    return () => this.lossListeners.delete(listener);
  }

  onLeasesLost(listener: LeasesLostListener): () => void {
    this.leasesLostListeners.add(listener);
    return () => this.leasesLostListeners.delete(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Whatever a previous run of this node left open ended with it.
    await this.handleLoss(this.config.nodeId);
    await this.repository.register(this.config.nodeId, this.config.cluster.nodeUrl ?? null, this.leaseSeconds);
    this.lastHeartbeatAt = Date.now();
    this.readiness.register(
      'cluster',
      () => {
        const age = Date.now() - this.lastHeartbeatAt;
        if (age > this.leaseSeconds * 1000) {
          throw new Error(`no heartbeat written for ${Math.round(age / 1000)} s: ${this.lastError ?? 'unknown'}`);
        }
        // The heartbeat fails with the database, on every node at once: degraded, not out of the Service.
      },
      { critical: false },
    );
    this.timer = setInterval(() => void this.tick(), (this.leaseSeconds * 1000) / 3);
    this.timer.unref();
  }

  /** The nodes with a live lease, this one included. */
  nodes(): Promise<ClusterNode[]> {
    return this.repository.nodes();
  }

  /** Marks this node draining in the directory (shown to operators; it keeps its leases until it leaves). */
  async drain(): Promise<void> {
    await this.repository.setDraining(this.config.nodeId).catch(() => undefined);
  }

  /** Leaves the cluster while the database is still open (it closes in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    await this.repository.leave(this.config.nodeId).catch(() => undefined);
  }

  /** One heartbeat and sweep (also called by tests to avoid waiting for the timer). */
  tick(): Promise<void> {
    this.ticking ??= this.beat().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async beat(): Promise<void> {
    const checkedAt = Date.now();
    try {
      const { registered, heldKeys } = await this.repository.heartbeat(this.config.nodeId, this.leaseSeconds);
      if (!registered) {
        this.log.error('this node was declared lost by the cluster (no heartbeat in time); registering again');
        await this.repository.register(this.config.nodeId, this.config.cluster.nodeUrl ?? null, this.leaseSeconds);
      }
      this.lastHeartbeatAt = Date.now();
      if (this.lastError !== undefined) {
        this.sweepAfter = Date.now() + this.leaseSeconds * 1000;
        this.log.info('cluster heartbeat written again; lost-node sweeps resume after one lease');
      }
      this.lastError = undefined;
      const held = new Set(heldKeys);
      for (const listener of this.leasesLostListeners)
        listener(held, checkedAt, registered ? 'taken_over' : 'node_lost');
      const lost = Date.now() < this.sweepAfter ? [] : await this.repository.claimLostNodes();
      for (const nodeId of lost) {
        this.log.warn({ lostNode: nodeId }, 'node lost: its lease expired');
        this.metrics.nodesLost.inc();
        await this.handleLoss(nodeId);
      }
      this.metrics.nodes.set((await this.repository.nodes()).length);
    } catch (error) {
      if (this.lastError === undefined) this.log.warn({ err: error }, 'cluster heartbeat failed');
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  private async handleLoss(nodeId: string): Promise<void> {
    await this.repository.releaseLeasesOf(nodeId);
    for (const listener of this.lossListeners) {
      try {
        await listener({ nodeId });
      } catch (error) {
        this.log.error({ err: error, lostNode: nodeId }, 'node loss listener failed');
      }
    }
  }
}
