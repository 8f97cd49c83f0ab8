import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit, Optional } from '@nestjs/common';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { type LiveStream, LiveStreamRegistry, LostSessions } from '@rapidrtmp/server-streams';
import { WebhookDeliveryWorker } from './delivery-worker.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { lostSessionEvent, streamEvent, type WebhookEvent } from './webhook-events.js';
import { createWebhookMetrics, type WebhookMetrics } from './webhook-metrics.js';

/**
 * Turns stream lifecycle changes into queued deliveries. The registry calls its listeners synchronously on
 * the ingest path, so a listener only builds the event and hands it to an async chain: database errors are
 * logged, never thrown back into ingest, and the worker is kicked once the rows exist. The chain keeps
 * inserts in event order (a short stream's `stream.ended` is not queued before its `stream.started`).
 */
@Injectable()
export class WebhookDispatcher implements OnModuleInit, OnModuleDestroy {
  private readonly log: Logger;
  private readonly metrics: WebhookMetrics;
  private readonly unsubscribers: Array<() => void> = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly worker: WebhookDeliveryWorker,
    @Inject(ROOT_LOGGER) logger: Logger,
    metrics: MetricsRegistry,
    @Optional() private readonly lost?: LostSessions,
  ) {
    this.log = logger.child({ module: 'webhooks' });
    this.metrics = createWebhookMetrics(metrics);
  }

  onModuleInit(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  /** Subscribes to the registry (idempotent). */
  start(): void {
    if (this.unsubscribers.length > 0) return;
    this.unsubscribers.push(
      this.registry.onStarted((stream) => this.streamStarted(stream)),
      this.registry.onEnded((stream) => this.streamEnded(stream)),
    );
    // Sessions of a lost node end on whichever node claimed the loss, once for the cluster.
    if (this.lost) {
      this.unsubscribers.push(
        this.lost.onSessionsLost((_nodeId, sessions) => {
          for (const session of sessions) this.publish(() => lostSessionEvent(session));
        }),
      );
    }
  }

  /** Unsubscribes and waits for events already handed over to be queued. */
  async stop(): Promise<void> {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
    await this.idle();
  }

  /** Resolves once every event handed over so far is in the database (or failed to get there). */
  idle(): Promise<void> {
    return this.queue;
  }

  private streamStarted(stream: LiveStream): void {
    this.publish(() => streamEvent('stream.started', stream));
  }

  private streamEnded(stream: LiveStream): void {
    const at = new Date();
    this.publish(() => streamEvent('stream.ended', stream, at));
    if (stream.ending?.reason === 'stopped_by_moderator') this.publish(() => streamEvent('stream.stopped', stream, at));
  }

  /** Queues an event for its subscribers without blocking or throwing; the event is built right now. */
  publish(build: () => WebhookEvent): void {
    let event: WebhookEvent;
    try {
      event = build();
    } catch (error) {
      this.log.error({ err: error }, 'could not build a webhook event');
      return;
    }
    this.queue = this.queue.then(async () => {
      try {
        const queued = await this.deliveries.enqueueForSubscribers(event);
        if (queued === 0) return;
        this.metrics.queued.inc({ type: event.type }, queued);
        this.worker.kick();
      } catch (error) {
        this.log.error({ err: error, eventId: event.id, eventType: event.type }, 'could not queue a webhook event');
      }
    });
  }

  /** Queues `event` for one endpoint (the test event); returns the delivery id. */
  async publishTo(endpointId: string, event: WebhookEvent): Promise<string> {
    const id = await this.deliveries.enqueueTo(endpointId, event);
    this.metrics.queued.inc({ type: event.type });
    this.worker.kick();
    return id;
  }
}
