import type { Logger } from '@rapidrtmp/server-logging';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { backoffDelayMs } from '@rapidrtmp/server-retry';
import { DatabaseUnavailableError, isDatabaseUnavailable } from './database-errors.js';

/** First probe soon after the failure, then every 2 s at most: recovery is noticed within ~2 s. */
const PROBE_BASE_MS = 250;
const PROBE_MAX_MS = 2000;

/**
 * Whether the database answers, as this process last saw it. Any caller that hits a connection failure
 * reports it; from then on callers that can do without the database (the media path, the key cache) skip it
 * at once instead of each waiting for a connect timeout, and a probe (`SELECT 1`, with backoff) finds out
 * when it is back and tells the listeners (queued writes drain).
 */
export class DatabaseAvailability {
  private downSince: number | undefined;
  private lastError = '';
  private probeAttempts = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly listeners = new Set<() => void>();
  private readonly outages;

  constructor(
    private readonly probe: () => Promise<unknown>,
    private readonly log: Logger,
    metrics: MetricsRegistry,
  ) {
    const isDown = () => this.down;
    metrics.gauge({
      name: 'database_up',
      help: 'Whether the database answered the last statement or probe (1) or is unreachable (0)',
      collect() {
        this.set(isDown() ? 0 : 1);
      },
    });
    this.outages = metrics.counter({
      name: 'database_outages_total',
      help: 'Times the database became unreachable (statements failed to connect or were cut)',
    });
  }

  get down(): boolean {
    return this.downSince !== undefined;
  }

  /** Throws DatabaseUnavailableError while the database is known to be down. */
  assertUp(): void {
    if (this.downSince !== undefined) {
      throw new DatabaseUnavailableError(`database unreachable since ${new Date(this.downSince).toISOString()}`);
    }
  }

  /**
   * A statement failed: if it was for want of a database, mark it down (and start probing). Returns whether
   * it was, so callers can tell an outage from a refused statement.
   */
  report(error: unknown): boolean {
    if (!isDatabaseUnavailable(error)) return false;
    if (this.downSince === undefined && !this.stopped) {
      this.downSince = Date.now();
      this.lastError = error instanceof Error ? error.message : String(error);
      this.outages.inc();
      this.log.error({ reason: this.lastError }, 'database unreachable: live streams go on, writes are queued');
      this.probeAttempts = 0;
      this.scheduleProbe();
    }
    return true;
  }

  /** Called once the database answered again (queued writes drain). */
  onRecovered(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.probeTimer);
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    const delay = backoffDelayMs(++this.probeAttempts, PROBE_BASE_MS, PROBE_MAX_MS);
    this.probeTimer = setTimeout(() => void this.runProbe(), delay);
    this.probeTimer.unref();
  }

  private async runProbe(): Promise<void> {
    try {
      await this.probe();
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      this.scheduleProbe();
      return;
    }
    const since = this.downSince ?? Date.now();
    this.downSince = undefined;
    this.log.info({ downMs: Date.now() - since }, 'database reachable again');
    for (const listener of this.listeners) {
      try {
        listener();
      } catch (error) {
        this.log.error({ err: error }, 'database recovery listener failed');
      }
    }
  }
}
