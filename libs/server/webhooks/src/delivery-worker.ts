import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy, Optional } from '@nestjs/common';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { OutboundGuard } from '@rapidrtmp/server-outbound';
import { nextStep } from './backoff.js';
import { type ClaimedDelivery, WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { serializeEvent } from './webhook-events.js';
import { createWebhookMetrics, type WebhookMetrics } from './webhook-metrics.js';
import { claimLeaseMs, resolveWebhookOptions, WEBHOOK_OPTIONS, type WebhookOptions } from './webhook-options.js';
import { sendWebhook } from './webhook-sender.js';

/** After a failure while nothing was claimable (database down, rows locked elsewhere), wait at least this. */
const MIN_IDLE_DELAY_MS = 50;

/**
 * Sends queued deliveries. A loop of rounds driven by one unref'd timer: claim due rows, send them, record
 * each attempt, then sleep until the next row is due (at most `pollIntervalMs`, to notice rows queued by
 * other nodes). `kick()` starts a round at once when new rows were queued. Rounds never overlap; any
 * number of nodes can run workers on one database.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly options: WebhookOptions;
  private readonly log: Logger;
  private readonly metrics: WebhookMetrics;
  private readonly shutdown = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private kicked = false;
  private running = false;
  private nextPruneAt = 0;

  constructor(
    private readonly deliveries: WebhookDeliveriesRepository,
    /** The outbound address policy every delivery connects through. */
    private readonly guard: OutboundGuard,
    @Inject(ROOT_LOGGER) logger: Logger,
    metrics: MetricsRegistry,
    @Optional() @Inject(WEBHOOK_OPTIONS) options?: Partial<WebhookOptions>,
  ) {
    this.options = resolveWebhookOptions(options);
    this.log = logger.child({ module: 'webhooks' });
    this.metrics = createWebhookMetrics(metrics);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running || this.shutdown.signal.aborted) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops the loop; requests in flight are aborted and their rows handed back uncounted. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.shutdown.abort();
    await this.round;
  }

  /** New rows were queued: run a round now (or right after the current one). */
  kick(): void {
    if (!this.running) return;
    if (this.round) this.kicked = true;
    else this.schedule(0);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runRound(), delayMs);
    this.timer.unref();
  }

  private runRound(): void {
    this.timer = undefined;
    this.kicked = false;
    this.round = this.processDue()
      .catch((error: unknown) => {
        this.log.warn({ err: error }, 'webhook delivery round failed; retrying');
        return this.options.pollIntervalMs;
      })
      .then((delayMs) => {
        this.round = undefined;
        if (this.running) this.schedule(this.kicked ? 0 : delayMs);
      });
  }

  /** One round; returns how long to sleep before the next. */
  async processDue(): Promise<number> {
    const { batchSize, pollIntervalMs } = this.options;
    await this.pruneIfDue();
    const claimed = await this.deliveries.claimDue(batchSize, claimLeaseMs(this.options));
    if (claimed.length > 0) await this.sendAll(claimed);
    if (claimed.length === batchSize && this.running) return 0;
    const dueIn = await this.deliveries.msUntilNextDue();
    if (dueIn === null) return pollIntervalMs;
    const floor = claimed.length === 0 ? MIN_IDLE_DELAY_MS : 0;
    return Math.min(pollIntervalMs, Math.max(floor, Math.ceil(dueIn)));
  }

  /** Keeps the delivery log bounded: finished rows past the retention go, at most once per prune interval. */
  private async pruneIfDue(): Promise<void> {
    if (performance.now() < this.nextPruneAt) return;
    this.nextPruneAt = performance.now() + this.options.pruneIntervalMs;
    const pruned = await this.deliveries.pruneFinished(this.options.retentionMs);
    if (pruned > 0) this.log.info({ pruned }, 'pruned old webhook deliveries');
  }

  /**
   * Endpoints in parallel; one endpoint's deliveries one after another, oldest first. Once a delivery to an
   * endpoint fails, its other rows in this round are not sent but recorded as failed attempts (with their
   * own backoff), so a dead or hanging endpoint costs one timeout per round, not one per queued event, and
   * its queue still drains to `failed` at the normal pace.
   */
  private async sendAll(claimed: ClaimedDelivery[]): Promise<void> {
    const byEndpoint = new Map<string, ClaimedDelivery[]>();
    for (const row of claimed) {
      const rows = byEndpoint.get(row.endpointId) ?? [];
      rows.push(row);
      byEndpoint.set(row.endpointId, rows);
    }
    await Promise.all([...byEndpoint.values()].map((rows) => this.sendInOrder(rows)));
  }

  private async sendInOrder(rows: ClaimedDelivery[]): Promise<void> {
    let failure: { error: string; permanent: boolean } | null = null;
    for (const row of rows) {
      try {
        if (this.shutdown.signal.aborted) {
          await this.deliveries.release([row.id], 0);
        } else if (!row.enabled) {
          await this.deliveries.fail(row.id, 'endpoint disabled');
        } else if (failure !== null) {
          await this.record(row, {
            ok: false,
            statusCode: null,
            error: `not sent: the delivery before it failed (${failure.error})`,
            durationMs: 0,
            permanent: failure.permanent,
          });
        } else {
          const result = await sendWebhook(
            { url: row.url, secret: row.secret, eventId: row.eventId, body: serializeEvent(row.payload) },
            { timeoutMs: this.options.requestTimeoutMs, guard: this.guard, signal: this.shutdown.signal },
          );
          if (result.aborted) await this.deliveries.release([row.id], 0);
          else await this.record(row, result);
          if (!result.ok && !result.aborted) failure = { error: result.error ?? 'failed', permanent: result.permanent };
        }
      } catch (error) {
        // The database failed us; the claim lease makes the row due again later.
        this.log.warn({ err: error, deliveryId: row.id }, 'could not record a webhook attempt');
      }
    }
  }

  /**
   * Stores one attempt and decides what follows: done, retry later, or give up. A permanent failure (the
   * outbound policy refused the endpoint's address) gives up at once: retrying only succeeds if the name
   * starts resolving elsewhere, which for a hostile name is the DNS-rebinding game itself, and the admin
   * sees the reason in the delivery log right away and can fix the URL or OUTBOUND_ALLOW_CIDRS.
   */
  private async record(
    row: ClaimedDelivery,
    result: { ok: boolean; statusCode: number | null; error: string | null; durationMs: number; permanent: boolean },
  ): Promise<void> {
    const attempts = row.attempts + 1;
    const step = result.permanent ? ({ status: 'failed' } as const) : nextStep(result.ok, attempts, this.options);
    await this.deliveries.recordAttempt(row.id, {
      status: step.status,
      statusCode: result.statusCode,
      error: result.error,
      durationMs: result.durationMs,
      retryInMs: step.status === 'pending' ? step.retryInMs : undefined,
    });
    this.metrics.attempts.inc({ outcome: step.status === 'pending' ? 'retry' : step.status });
    const context = { deliveryId: row.id, endpointId: row.endpointId, eventType: row.eventType, attempts };
    if (step.status === 'failed') {
      this.log.warn({ ...context, statusCode: result.statusCode, error: result.error }, 'webhook delivery failed');
    } else if (step.status === 'pending') {
      this.log.debug({ ...context, error: result.error, retryInMs: step.retryInMs }, 'webhook attempt failed');
    }
  }
}
