import { join } from 'node:path';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { type LeaseHolder, StreamOwnership } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { type LiveStreamInfo, LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { createDeliveryMetrics, type DeliveryMetrics } from './delivery-metrics.js';
import { CachedArchive } from './cached-archive.js';
import { EdgeDelivery } from './edge-delivery.js';
import { HlsStream } from './hls-stream.js';
import { LiveSpill } from './live-spill.js';
import type { PlaybackSource } from './playback-source.js';
import { type ContinuablePlaylist, PlaylistStatesRepository } from './playlist-states.repository.js';
import { ENDED_RETENTION_MS } from './retention.js';
import type { SegmentArchive } from './segment-archive.js';
import { TieredArchive } from './tiered-archive.js';

export interface SourceOptions {
  /** A request from another node: only this node's own stream, never passed on. */
  localOnly?: boolean;
  /** Ask the directory now rather than trust the last second's answer. */
  fresh?: boolean;
  /** Whether an edge source may move to the next holder when its origin stops answering (default yes). */
  failover?: boolean;
}

/**
 * Where each playback id's HLS comes from. Streams ingested here: one HlsStream per playback id, created
 * when a publish starts and dropped a while after it ended. Streams another node owns: pulled from it
 * (EdgeDelivery). Both are PlaybackSources, so the routes do not know which they serve.
 */
@Injectable()
export class HlsService implements OnModuleInit, OnModuleDestroy {
  readonly metrics: DeliveryMetrics;
  private readonly streams = new Map<string, HlsStream>();
  /** Ended streams replaced by a newer publish on the same playback id, by instance id, until retired. */
  private readonly replaced = new Map<string, HlsStream>();
  private readonly log: Logger;
  private unsubscribe: (() => void) | undefined;
  /** Other nodes' playlists to continue, by the stream session that continues them (set by prepare). */
  private readonly continued = new Map<string, ContinuablePlaylist>();
  private readonly writes = new WeakMap<HlsStream, Promise<void>>();
  private archive: SegmentArchive;
  private tiers: TieredArchive;
  /** Every stream's live window on this node's disk: what leaves memory is read back from there. */
  readonly spill: LiveSpill;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: LiveStreamRegistry,
    metrics: MetricsRegistry,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Optional() private readonly ownership?: StreamOwnership,
    @Optional() private readonly edge?: EdgeDelivery,
    @Optional() private readonly playlistStates?: PlaylistStatesRepository,
  ) {
    this.metrics = createDeliveryMetrics(metrics);
    this.log = logger.child({ module: 'hls' });
    const { windowSegments, segmentSeconds } = config.hls;
    this.spill = new LiveSpill(
      {
        dir: join(config.dataDir, 'hls-spill', config.nodeId),
        // The window plus two: a player may still ask for a segment that has just left its playlist.
        keepSegments: windowSegments + 2,
        // An ended playlist is served ENDED_RETENTION_MS, and a republished one lists the old session's
        // segments until they leave the window.
        endedRetentionMs: Math.max(ENDED_RETENTION_MS, windowSegments * segmentSeconds * 1000) + 10_000,
      },
      this.log,
    );
    this.metrics.spill.track(this, () => ({ ...this.spill.counters }));
    this.tiers = new TieredArchive(undefined, this.spill);
    this.archive = new CachedArchive(this.tiers, config.hls.storageCacheBytes);
  }

  /** Where packaged segments of recorded streams go besides the live window (the recorder); set before streams start. */
  useArchive(recorder: SegmentArchive): void {
    this.tiers = new TieredArchive(recorder, this.spill);
    this.archive = new CachedArchive(this.tiers, this.config.hls.storageCacheBytes);
  }

  onModuleInit(): void {
    const unprepare = this.registry.onPreparing((info) => this.prepare(info));
    const unstart = this.registry.onStarted((live) => {
      const { playbackId } = live.info;
      let stream = this.streams.get(playbackId);
      if (!stream || stream.state === 'ended') {
        // Players still on the ended playlist finish it: its URLs stay valid until it is retired.
        if (stream) this.replaced.set(stream.instanceId, stream);
        const continued = this.continued.get(live.info.id);
        stream = new HlsStream(
          playbackId,
          this.config.hls,
          this.metrics,
          this.log,
          (ended) => this.retire(ended),
          this.archive,
          { continued, onProgress: (progressed) => this.share(progressed) },
        );
        this.streams.set(playbackId, stream);
        this.metrics.streams.set(this.streams.size);
        if (continued) this.log.info({ playbackId, from: continued.nodeId }, 'continuing the playlist of another node');
        const claimed = stream;
        this.write(claimed, (states) =>
          states.claim(playbackId, claimed.instanceId, this.config.nodeId, claimed.continuation()),
        );
      }
      this.continued.delete(live.info.id);
      stream.attach(live);
    });
    const unend = this.registry.onEnded((live) => this.spill.ended(live.info.id));
    this.unsubscribe = () => {
      unprepare();
      unstart();
      unend();
    };
  }

  /**
   * Before a publish starts here: if another node wrote this playback id's playlist and its publisher left
   * (or the node was lost) within the republish grace, this node continues that playlist.
   */
  private async prepare(info: LiveStreamInfo): Promise<void> {
    const local = this.streams.get(info.playbackId);
    if (!this.playlistStates || (local && local.state !== 'ended')) return;
    const within = this.config.hls.republishGraceSeconds + this.config.cluster.leaseSeconds;
    const found = await this.playlistStates.continuable(info.playbackId, this.config.nodeId, within);
    if (!found) return;
    if (this.continued.size > 10_000) this.continued.clear();
    this.continued.set(info.id, found);
  }

  /** Tells the other nodes where a playlist stands, in order, without ever blocking or throwing. */
  private share(stream: HlsStream): void {
    const { playbackId, instanceId, state } = stream;
    if (state === 'live') {
      this.playlistStates?.progress(playbackId, instanceId, this.config.nodeId, stream.continuation());
      return;
    }
    this.write(stream, (states) =>
      states.update(playbackId, instanceId, this.config.nodeId, state, stream.continuation()),
    );
  }

  private write(stream: HlsStream, write: (states: PlaylistStatesRepository) => Promise<void>): void {
    const states = this.playlistStates;
    if (!states) return;
    const previous = this.writes.get(stream) ?? Promise.resolve();
    const next = previous
      .then(() => write(states))
      .catch((error: unknown) => this.log.warn({ err: error }, 'playlist state not shared'));
    this.writes.set(stream, next);
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    for (const stream of this.streams.values()) stream.finish();
    // The recorder takes the last segments' bytes from the spill: they are read back before it goes.
    await this.tiers.recordingsRead();
    // What is on disk is this process's live window only: nobody reads it after this.
    await this.spill.clear();
  }

  /** The current stream of a playback id, or with `instanceId` that exact (possibly ended and replaced) one. */
  get(playbackId: string, instanceId?: string): HlsStream | undefined {
    const current = this.streams.get(playbackId);
    if (instanceId === undefined || current?.instanceId === instanceId) return current;
    const replaced = this.replaced.get(instanceId);
    return replaced?.playbackId === playbackId ? replaced : undefined;
  }

  /**
   * The source of a playback id (the current stream) or of one stream instance: this node's own stream
   * while it is live here; otherwise the node holding the key's lease, pulled from as an edge; otherwise
   * what this node still has (an ended playlist players finish). `localOnly` (requests from other
   * nodes) never hops again.
   */
  async source(
    playbackId: string,
    instance?: string,
    options: SourceOptions = {},
  ): Promise<PlaybackSource | undefined> {
    const local = this.get(playbackId, instance);
    // A playlist this node no longer feeds may be continued elsewhere (republish on another node).
    if (options.localOnly || local?.state === 'live') return local;
    const holder = await this.ownership?.holderOf(playbackId, options.fresh);
    const failover = options.failover === false ? undefined : this.failover(playbackId, instance);
    const edge = holder && this.edgeSource(holder, playbackId, instance, failover);
    if (edge) return edge;
    return local ?? (holder ? undefined : this.edge?.endedSource(playbackId, instance, failover));
  }

  /**
   * The source `source` gives when that needs no waiting: this node's live stream once its playlists answer,
   * or the node holding the stream as last looked up (pulled from as an edge; a holder that moved since does
   * not answer, and the edge's failover looks again). Undefined otherwise: a stream's first seconds, one no
   * node holds, a lookup to make.
   */
  sourceNow(playbackId: string, instance?: string): PlaybackSource | undefined {
    const local = this.get(playbackId, instance);
    if (local?.state === 'live') return local.ready ? local : undefined;
    const holder = this.ownership?.holderNow(playbackId)?.holder;
    return holder && this.edgeSource(holder, playbackId, instance, this.failover(playbackId, instance));
  }

  /** The owning node as a source, when it is another node this one can pull from. */
  private edgeSource(
    holder: LeaseHolder,
    playbackId: string,
    instance: string | undefined,
    failover: (() => Promise<PlaybackSource | undefined>) | undefined,
  ): PlaybackSource | undefined {
    if (holder.nodeId === this.config.nodeId || !holder.url || !this.edge) return undefined;
    const origin = { nodeId: holder.nodeId, url: holder.url, signedPlayback: holder.signedPlayback };
    return this.edge.source(origin, playbackId, instance, failover);
  }

  /** If the holder stops answering (lost), whoever holds the stream next is asked instead. */
  private failover(playbackId: string, instance: string | undefined) {
    return () => this.source(playbackId, instance, { fresh: true, failover: false });
  }

  /** Estimated concurrent viewers of a playback id on this node (0 when nothing is packaged or pulled). */
  viewers(playbackId: string): number {
    return (this.streams.get(playbackId)?.viewerCount ?? 0) + (this.edge?.viewerCount(playbackId) ?? 0);
  }

  private retire(stream: HlsStream): void {
    setTimeout(() => {
      this.replaced.delete(stream.instanceId);
      if (this.streams.get(stream.playbackId) === stream) {
        this.streams.delete(stream.playbackId);
        this.metrics.streams.set(this.streams.size);
      }
    }, ENDED_RETENTION_MS).unref();
  }
}
