import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { ClusterControl } from './cluster-control.js';
import { ClusterRepository, type LeasedStream, type LeaseHolder } from './cluster.repository.js';
import { createClusterMetrics, type ClusterMetrics } from './cluster-metrics.js';

/** A stream key's lease held by this node, to release when the stream ends. */
export interface StreamLease {
  streamKeyId: string;
  leaseId: string;
}

/** How long a takeover waits for the other node to let go before taking the lease anyway. */
const TAKEOVER_WAIT_MS = 3000;
const TAKEOVER_POLL_MS = 100;
/** Edges ask who holds a playback id on every request burst; a second of staleness is fine. */
const HOLDER_CACHE_MS = 1000;
/**
 * How stale an answer `holderNow` still gives (while it refreshes it): a holder that moved meanwhile does
 * not answer, and the edge's failover asks again with a fresh lookup.
 */
const HOLDER_STALE_MS = 10_000;

/**
 * One publisher per stream key across the cluster. The lease is taken atomically at publish time; a key
 * live on another node is refused, or (takeover) that node is told to stop it and the lease moves here.
 */
@Injectable()
export class StreamOwnership {
  private readonly log: Logger;
  private readonly metrics: ClusterMetrics;
  private readonly holders = new Map<string, { holder: LeaseHolder | undefined; until: number }>();
  private readonly refreshing = new Set<string>();

  constructor(
    private readonly config: AppConfig,
    private readonly repository: ClusterRepository,
    private readonly control: ClusterControl,
    @Inject(ROOT_LOGGER) logger: Logger,
    metrics: MetricsRegistry,
  ) {
    this.log = logger.child({ module: 'cluster' });
    this.metrics = createClusterMetrics(metrics);
  }

  /**
   * Takes the key for this node. `takeover`: a holder elsewhere is asked to stop the stream; once it let go
   * (or after a short wait, if it is unresponsive) the lease is taken anyway.
   */
  async acquire(
    stream: LeasedStream,
    mode: 'reject' | 'takeover',
  ): Promise<{ lease: StreamLease } | { heldBy: string }> {
    const { nodeId, cluster } = this.config;
    const { streamKeyId, playbackId } = stream;
    let outcome = await this.repository.acquireLease(stream, nodeId, cluster.leaseSeconds);
    if (!outcome.acquired && mode === 'takeover') {
      const heldBy = outcome.heldBy;
      await this.control.publish({ type: 'stop-key', streamKeyId, reason: 'taken_over', stoppedBy: null });
      const deadline = Date.now() + TAKEOVER_WAIT_MS;
      while (!outcome.acquired && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, TAKEOVER_POLL_MS));
        outcome = await this.repository.acquireLease(stream, nodeId, cluster.leaseSeconds);
      }
      if (!outcome.acquired) outcome = await this.repository.acquireLease(stream, nodeId, cluster.leaseSeconds, true);
      this.log.info({ streamKeyId, from: heldBy }, 'stream key taken over from another node');
      this.metrics.ownershipChanges.inc({ change: 'taken_over' });
    }
    if (!outcome.acquired) return { heldBy: outcome.heldBy };
    this.holders.delete(playbackId);
    this.metrics.ownershipChanges.inc({ change: 'acquired' });
    return { lease: { streamKeyId, leaseId: outcome.leaseId } };
  }

  async release(lease: StreamLease): Promise<void> {
    await this.repository.releaseLease(lease.streamKeyId, lease.leaseId);
    this.metrics.ownershipChanges.inc({ change: 'released' });
  }

  /** Counts a lease this node lost without releasing it (declared lost, or stolen by a takeover). */
  lost(): void {
    this.metrics.ownershipChanges.inc({ change: 'lost' });
  }

  /**
   * `holderOf`'s answer without waiting, for code that answers at once (the HLS fast lane): the cached one,
   * refreshed in the background once it is older than `holderOf` keeps it; undefined when nothing was
   * looked up in the last HOLDER_STALE_MS (then ask `holderOf`).
   */
  holderNow(playbackId: string): { readonly holder: LeaseHolder | undefined } | undefined {
    const cached = this.holders.get(playbackId);
    if (!cached) return undefined;
    const now = Date.now();
    if (cached.until > now) return cached;
    if (cached.until + HOLDER_STALE_MS - HOLDER_CACHE_MS < now) return undefined;
    if (!this.refreshing.has(playbackId) && this.refreshing.size < 10_000) {
      this.refreshing.add(playbackId);
      void this.holderOf(playbackId, true)
        .catch(() => undefined) // the next request through the routes looks it up and reports
        .finally(() => this.refreshing.delete(playbackId));
    }
    return cached;
  }

  /** Which node serves a playback id right now (briefly cached unless `fresh`); undefined when no node does. */
  async holderOf(playbackId: string, fresh = false): Promise<LeaseHolder | undefined> {
    const cached = this.holders.get(playbackId);
    if (!fresh && cached && cached.until > Date.now()) return cached.holder;
    const holder = await this.repository.holderOfPlayback(playbackId);
    if (this.holders.size > 10_000) this.holders.clear();
    this.holders.set(playbackId, { holder, until: Date.now() + HOLDER_CACHE_MS });
    return holder;
  }
}
