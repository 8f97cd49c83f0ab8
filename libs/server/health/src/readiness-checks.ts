import { Injectable } from '@nestjs/common';

/** Throws (or rejects) when the dependency is not usable; /readyz names it, the message goes to the log. */
export type ReadinessProbe = () => Promise<void> | void;

export interface ReadinessCheckOptions {
  /**
   * Whether the node should stop getting traffic while this check fails (default true). A dependency every
   * node shares (the database, the bucket) is not: when it fails it fails on every node at once, and a
   * Service with no ready pod would stop the live streams that keep playing from memory. Such a check makes
   * /readyz say `degraded` and name it, with a 200.
   */
  critical?: boolean;
}

/**
 * The named checks behind `/readyz`. Core checks (database, storage) are registered by HealthModule;
 * feature modules add theirs (e.g. `rtmp` once the listener is bound) from their own `onModuleInit`.
 */
@Injectable()
export class ReadinessChecks {
  private readonly probes = new Map<string, ReadinessProbe>();
  private readonly degradable = new Set<string>();
  private drainingSince: number | undefined;

  /**
   * The node is shutting down (SIGTERM): from now on readiness fails with a `draining` check, so load
   * balancers and Services stop sending it new work while what it serves finishes.
   */
  drain(): void {
    const since = (this.drainingSince ??= Date.now());
    this.probes.set('draining', () => {
      throw new Error(`shutting down since ${new Date(since).toISOString()}`);
    });
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  register(name: string, probe: ReadinessProbe, options: ReadinessCheckOptions = {}): void {
    this.probes.set(name, probe);
    if (options.critical === false) this.degradable.add(name);
    else this.degradable.delete(name);
  }

  /** A failing check that only degrades the node (see ReadinessCheckOptions.critical). */
  isCritical(name: string): boolean {
    return !this.degradable.has(name);
  }

  entries(): Array<[string, ReadinessProbe]> {
    return [...this.probes.entries()];
  }
}
