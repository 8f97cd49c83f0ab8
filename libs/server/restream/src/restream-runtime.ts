import {
  Inject,
  Injectable,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { ClusterControl } from '@rapidrtmp/server-cluster';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { OutboundGuard } from '@rapidrtmp/server-outbound';
import { SecretBox } from '@rapidrtmp/server-secrets';
import {
  type LiveStream,
  LivePushTargets,
  LiveStreamRegistry,
  PUSH_TARGET_STATES,
  type PushTargetStatusDto,
} from '@rapidrtmp/server-streams';
import { type RestreamEventType, restreamEvent, WebhookDispatcher } from '@rapidrtmp/server-webhooks';
import type { PushConnector, PushOutage, PushRelay, PushRelayEvents } from './push-relay.js';
import { PushTargetsRepository } from './push-targets.repository.js';
import { DEFAULT_PUSH_TIMING, type PushTiming } from './push-types.js';
import { createRestreamMetrics, type RestreamMetrics } from './restream-metrics.js';
import { RESTREAM_OPTIONS, type RestreamOptions } from './restream-options.js';
import { fingerprintOf, StreamPushes } from './stream-pushes.js';
import { restreamTrustedCas } from './tls-trust.js';

const DEFAULT_RECONCILE_MS = 30_000;

/**
 * Runs the pushes of the streams live on this node. A stream that starts gets its key's targets loaded and
 * one PushRelay per enabled target; a stream that ends closes them. Target changes reach the running pushes
 * at once on the node that made them, through a control message on the node that owns the stream, and
 * otherwise within `reconcileIntervalMs` (one query for every live key). Reports state per target to the
 * API, metrics and the `restream.failed` / `restream.recovered` webhooks.
 */
@Injectable()
export class RestreamRuntime extends LivePushTargets implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly live = new Map<string, StreamPushes>();
  private readonly log: Logger;
  private readonly metrics: RestreamMetrics;
  private readonly timing: PushTiming;
  private readonly connect: PushConnector;
  private readonly unsubscribers: Array<() => void> = [];
  private reconcileTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly targets: PushTargetsRepository,
    private readonly box: SecretBox,
    guard: OutboundGuard,
    config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
    metrics: MetricsRegistry,
    @Optional() @Inject(RESTREAM_OPTIONS) private readonly options: RestreamOptions = {},
    @Optional() private readonly webhooks?: WebhookDispatcher,
    @Optional() private readonly cluster?: ClusterControl,
  ) {
    super();
    this.log = logger.child({ module: 'restream' });
    this.metrics = createRestreamMetrics(metrics);
    this.timing = { ...DEFAULT_PUSH_TIMING, retryMaxMs: config.restream.retryMaxMs, ...options.timing };
    const ca = options.ca ?? restreamTrustedCas();
    // rtmps: certificate and host name verified (Node's default), SNI = the host name.
    this.connect =
      options.connector ??
      ((address) =>
        address.scheme === 'rtmps'
          ? { socket: guard.connectTls({ host: address.host, port: address.port, ca }), readyEvent: 'secureConnect' }
          : { socket: guard.connect({ host: address.host, port: address.port }), readyEvent: 'connect' });
  }

  onModuleInit(): void {
    this.unsubscribers.push(
      this.registry.onStarted((stream) => this.started(stream)),
      this.registry.onEnded((stream) => this.ended(stream)),
    );
    if (this.cluster) {
      this.unsubscribers.push(
        this.cluster.subscribe((message) => {
          if (message.type === 'push-targets-changed') void this.live.get(message.streamKeyId)?.reload();
        }),
      );
    }
    this.reconcileTimer = setInterval(
      () => void this.reconcile(),
      this.options.reconcileIntervalMs ?? DEFAULT_RECONCILE_MS,
    );
    this.reconcileTimer.unref();
  }

  onModuleDestroy(): void {
    this.stopAll();
  }

  onApplicationShutdown(): void {
    this.stopAll();
  }

  /** The key's targets and where their pushes stand, when it is live on this node. */
  statusOf(streamKeyId: string): PushTargetStatusDto[] {
    return this.live.get(streamKeyId)?.status() ?? [];
  }

  /** A key's targets changed (API): its live stream reloads them, here at once and on the owning node. */
  targetsChanged(streamKeyId: string): void {
    void this.live.get(streamKeyId)?.reload();
    void this.cluster?.publish({ type: 'push-targets-changed', streamKeyId });
  }

  /** Resolves once every live stream's pending reload is done (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.live.values()].map((pushes) => pushes.reload()));
  }

  /** Reloads the live keys whose targets changed without this node being told (a lost control message). */
  async reconcile(): Promise<void> {
    const keys = [...this.live.keys()];
    if (keys.length === 0) return;
    try {
      const byKey = new Map<string, Array<{ id: string; updatedAt: Date }>>();
      for (const version of await this.targets.versions(keys)) {
        byKey.set(version.streamKeyId, [...(byKey.get(version.streamKeyId) ?? []), version]);
      }
      for (const [key, pushes] of this.live) {
        if (fingerprintOf(byKey.get(key) ?? []) !== pushes.fingerprint) void pushes.reload();
      }
    } catch (error) {
      this.log.warn({ err: error }, 'could not check restream targets for changes');
    }
  }

  private started(stream: LiveStream): void {
    const key = stream.info.streamKeyId;
    this.live.get(key)?.stop();
    const pushes = new StreamPushes(stream, {
      targets: this.targets,
      box: this.box,
      connect: this.connect,
      events: this.relayEvents(stream),
      timing: this.timing,
      log: this.log,
      changed: () => this.countStates(),
    });
    this.live.set(key, pushes);
    void pushes.reload();
  }

  private ended(stream: LiveStream): void {
    const key = stream.info.streamKeyId;
    const pushes = this.live.get(key);
    if (pushes?.stream !== stream) return;
    this.live.delete(key);
    pushes.stop();
  }

  private stopAll(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    clearInterval(this.reconcileTimer);
    for (const pushes of this.live.values()) pushes.stop();
    this.live.clear();
    this.countStates();
  }

  private relayEvents(stream: LiveStream): PushRelayEvents {
    return {
      stateChanged: () => this.countStates(),
      failed: (relay, outage) => this.report('restream.failed', stream, relay, outage),
      recovered: (relay, outage) => this.report('restream.recovered', stream, relay, outage),
      attemptFailed: (_relay, reason) => this.metrics.failures.inc({ reason }),
      reconnecting: () => this.metrics.reconnects.inc(),
      bytesSent: (count) => this.metrics.bytesSent.inc(count),
      packetsDropped: (count) => this.metrics.droppedPackets.inc(count),
    };
  }

  private report(type: RestreamEventType, stream: LiveStream, relay: PushRelay, outage: PushOutage): void {
    this.metrics.events.inc({ type });
    const { id, label, address } = relay.target;
    this.log.info(
      { streamKeyId: stream.info.streamKeyId, targetId: id, target: address.url, attempts: outage.attempts },
      type === 'restream.failed' ? 'restream target failed' : 'restream target recovered',
    );
    this.webhooks?.publish(() =>
      restreamEvent(type, stream.info, {
        targetId: id,
        targetLabel: label,
        targetUrl: address.url,
        error: outage.lastError,
        attempts: outage.attempts,
        failedAt: outage.since,
      }),
    );
  }

  /** The gauge, recounted on every change (a handful of targets per live stream). */
  private countStates(): void {
    const counts = new Map<string, number>(PUSH_TARGET_STATES.map((state) => [state, 0]));
    for (const pushes of this.live.values())
      for (const state of pushes.states()) counts.set(state, (counts.get(state) ?? 0) + 1);
    counts.delete('idle');
    for (const [state, count] of counts) this.metrics.targets.set({ state }, count);
  }
}
