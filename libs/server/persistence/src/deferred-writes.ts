import type { Logger } from '@rapidrtmp/server-logging';
import type { MetricsRegistry } from '@rapidrtmp/server-metrics';
import type { DatabaseAvailability } from './database-availability.js';

/** What became of a write: in the database, queued for when it is back, or refused by it (or dropped). */
export type WriteOutcome = 'written' | 'deferred' | 'failed';

/** Thrown by a write that depends on something not done yet (e.g. rows another queue still holds). */
export class RetryLater extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLater';
  }
}

export interface DeferredWritesOptions {
  /** Writes held at most; beyond it new ones are dropped (counted and logged). */
  maxQueued: number;
  /** Chains written at once (below the pool size, so a drain after an outage does not starve readers). */
  concurrency: number;
  /** Delay before a write that threw RetryLater runs again, and how many times it may. */
  retryLaterMs: number;
  maxRetryLater: number;
}

export const DEFERRED_WRITES_DEFAULTS: DeferredWritesOptions = {
  maxQueued: 50_000,
  concurrency: 4,
  retryLaterMs: 1000,
  maxRetryLater: 600,
};

interface Entry {
  label: string;
  write: () => Promise<unknown>;
  /** Callers still waiting to learn the first outcome. */
  waiters: Array<(outcome: WriteOutcome) => void>;
  laterTries: number;
}

/**
 * History writes that must not be lost to a database outage and must not hold up the media path: each
 * write joins a chain (one per stream session, playlist …) and chains write in order, so a session's
 * close never overtakes its open. While the database is unreachable the writes wait in memory (bounded)
 * and go out, in order, once DatabaseAvailability sees it answer again. A write the database refuses
 * (a constraint, a bug) is logged and dropped: retrying would only repeat it.
 */
export class DeferredWrites {
  private readonly chains = new Map<string, Entry[]>();
  /** Chains whose head is being written. */
  private readonly running = new Set<string>();
  /** Chains whose head threw RetryLater and waits for its timer. */
  private readonly waiting = new Set<string>();
  private queued = 0;
  private readonly dropped;
  private readonly idle = new Set<() => void>();
  private lastFullLog = 0;

  constructor(
    private readonly availability: DatabaseAvailability,
    private readonly log: Logger,
    metrics: MetricsRegistry,
    private readonly options: DeferredWritesOptions = DEFERRED_WRITES_DEFAULTS,
  ) {
    const size = () => this.queued;
    metrics.gauge({
      name: 'database_deferred_writes',
      help: 'History writes (sessions, recordings, playlist state) waiting for the database',
      collect() {
        this.set(size());
      },
    });
    this.dropped = metrics.counter({
      name: 'database_deferred_writes_dropped_total',
      help: 'History writes given up: queue_full (outage outlasted the queue) or refused (the database rejected it)',
      labelNames: ['reason'],
    });
    availability.onRecovered(() => {
      if (this.queued > 0) this.log.info({ queued: this.queued }, 'writing the writes queued during the outage');
      this.pump();
    });
  }

  /** Writes queued or in flight. */
  get size(): number {
    return this.queued;
  }

  /**
   * Queues `write` at the end of `chain`. Resolves after its first attempt ('written' or 'failed'), or at
   * once with 'deferred' while the database is down; never rejects. `coalesce`: a queued, not yet started
   * write of the same label on the chain is replaced (only the latest state matters).
   */
  run(chain: string, label: string, write: () => Promise<unknown>, coalesce = false): Promise<WriteOutcome> {
    return new Promise((resolve) => {
      const entries = this.chains.get(chain);
      const last = entries?.[entries.length - 1];
      const lastStarted = entries?.length === 1 && (this.running.has(chain) || this.waiting.has(chain));
      if (coalesce && last && last.label === label && !lastStarted) {
        last.write = write;
        this.await(last, resolve);
        return;
      }
      if (this.queued >= this.options.maxQueued) {
        this.dropped.inc({ reason: 'queue_full' });
        if (Date.now() - this.lastFullLog > 10_000) {
          this.lastFullLog = Date.now();
          this.log.error({ label, queued: this.queued }, 'deferred write queue full: a history write was dropped');
        }
        resolve('failed');
        return;
      }
      const entry: Entry = { label, write, waiters: [], laterTries: 0 };
      this.await(entry, resolve);
      if (entries) entries.push(entry);
      else this.chains.set(chain, [entry]);
      this.queued++;
      this.pump();
    });
  }

  /** Resolves once nothing is queued (true), or after `timeoutMs` with writes still queued (false). */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.queued === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idle.delete(done);
        resolve(this.queued === 0);
      };
      const timer = setTimeout(done, timeoutMs);
      this.idle.add(done);
    });
  }

  private await(entry: Entry, resolve: (outcome: WriteOutcome) => void): void {
    if (this.availability.down) resolve('deferred');
    else entry.waiters.push(resolve);
  }

  private pump(): void {
    if (this.availability.down) return;
    for (const [chain, entries] of this.chains) {
      if (this.running.size >= this.options.concurrency) return;
      const head = entries[0];
      if (!head || this.running.has(chain) || this.waiting.has(chain)) continue;
      this.running.add(chain);
      void this.attempt(chain, head);
    }
  }

  private async attempt(chain: string, entry: Entry): Promise<void> {
    let error: unknown;
    let ok = false;
    try {
      await entry.write();
      ok = true;
    } catch (caught) {
      error = caught;
    }
    this.running.delete(chain);
    if (ok) {
      this.finish(chain, entry, 'written');
    } else if (error instanceof RetryLater && ++entry.laterTries <= this.options.maxRetryLater) {
      this.settle(entry, 'deferred');
      this.waiting.add(chain);
      setTimeout(() => {
        this.waiting.delete(chain);
        this.pump();
      }, this.options.retryLaterMs).unref();
    } else if (!(error instanceof RetryLater) && this.availability.report(error)) {
      // Stays at the head of its chain; the recovery listener pumps again.
      this.settle(entry, 'deferred');
    } else {
      this.dropped.inc({ reason: 'refused' });
      this.log.error({ err: error, write: entry.label }, 'history write refused by the database: dropped');
      this.finish(chain, entry, 'failed');
    }
    this.pump();
  }

  private finish(chain: string, entry: Entry, outcome: WriteOutcome): void {
    const entries = this.chains.get(chain);
    entries?.shift();
    if (entries?.length === 0) this.chains.delete(chain);
    this.queued--;
    this.settle(entry, outcome);
    if (this.queued === 0) for (const done of [...this.idle]) done();
  }

  private settle(entry: Entry, outcome: WriteOutcome): void {
    for (const resolve of entry.waiters.splice(0)) resolve(outcome);
  }
}
