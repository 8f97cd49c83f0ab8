import { Injectable } from '@nestjs/common';

/** Throws (or rejects) when the dependency is not usable; /readyz names it, the message goes to the log. */
export type ReadinessProbe = () => Promise<void> | void;

/**
 * The named checks behind `/readyz`. Core checks (database, storage) are registered by HealthModule;
 * feature modules add theirs (e.g. `rtmp` once the listener is bound) from their own `onModuleInit`.
 */
@Injectable()
export class ReadinessChecks {
  private readonly probes = new Map<string, ReadinessProbe>();
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

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  entries(): Array<[string, ReadinessProbe]> {
    return [...this.probes.entries()];
  }
}
