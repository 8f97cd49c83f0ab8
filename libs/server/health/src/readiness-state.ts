import { Inject, Injectable } from '@nestjs/common';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { ReadinessChecks, type ReadinessProbe } from './readiness-checks.js';

/** Bounds every probe so a hung dependency reads as "down", not as a hung /readyz. */
const PROBE_TIMEOUT_MS = 2000;
/** One answer serves every /readyz for this long (probes and load balancers ask often). */
export const READINESS_CACHE_MS = 2000;

export interface Readiness {
  /** No critical check fails: the node should get traffic. */
  ready: boolean;
  /** Ready, but a shared dependency is down (see ReadinessCheckOptions.critical). */
  degraded: boolean;
  /** Each dependency by name, up or down; why one is down goes to the log, not to the public answer. */
  checks: Record<string, 'up' | 'down'>;
}

/**
 * Runs the readiness checks (a database query, a file write, an object store list) at most once per
 * READINESS_CACHE_MS and never twice at once, however many requests ask: /readyz is public, and must not
 * be a way to load the database or the bucket. Starting to drain is seen at once, not after the cache.
 */
@Injectable()
export class ReadinessState {
  private cached: { at: number; draining: boolean; readiness: Readiness } | undefined;
  private running: { draining: boolean; readiness: Promise<Readiness> } | undefined;
  private lastFailures = '';
  private readonly log: Logger;

  constructor(
    private readonly checks: ReadinessChecks,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'health' });
  }

  current(): Promise<Readiness> {
    const draining = this.checks.draining;
    const cached = this.cached;
    if (cached && cached.draining === draining && Date.now() - cached.at < READINESS_CACHE_MS) {
      return Promise.resolve(cached.readiness);
    }
    if (this.running?.draining === draining) return this.running.readiness;
    const readiness = this.run().then((result) => {
      this.cached = { at: Date.now(), draining, readiness: result };
      return result;
    });
    const running = { draining, readiness };
    this.running = running;
    void readiness.finally(() => {
      if (this.running === running) this.running = undefined;
    });
    return readiness;
  }

  private async run(): Promise<Readiness> {
    const results = await Promise.all(
      this.checks.entries().map(async ([name, probe]) => [name, await failureOf(probe)] as const),
    );
    const checks: Record<string, 'up' | 'down'> = {};
    const failures: Record<string, string> = {};
    for (const [name, failure] of results) {
      checks[name] = failure === undefined ? 'up' : 'down';
      if (failure !== undefined) failures[name] = failure;
    }
    this.logChange(failures);
    const failing = Object.keys(failures);
    const ready = failing.every((name) => !this.checks.isCritical(name));
    return { ready, degraded: ready && failing.length > 0, checks };
  }

  /** Details of failing checks go to the log when they change, so an outage is one line, not one per probe. */
  private logChange(failures: Record<string, string>): void {
    const summary = JSON.stringify(failures);
    if (summary === this.lastFailures) return;
    const recovered = this.lastFailures !== '' && summary === '{}';
    this.lastFailures = summary === '{}' ? '' : summary;
    if (recovered) this.log.info('readiness: every check passes again');
    else if (summary !== '{}') this.log.warn({ failures }, `readiness: ${Object.keys(failures).join(', ')} down`);
  }
}

/** Undefined when the probe passes within the timeout, else why it did not. */
async function failureOf(probe: ReadinessProbe): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(probe),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
      }),
    ]);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}
