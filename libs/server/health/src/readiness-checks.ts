import { Injectable } from '@nestjs/common';

/** Throws (or rejects) when the dependency is not usable; the message is shown in /readyz. */
export type ReadinessProbe = () => Promise<void> | void;

/**
 * The named checks behind `/readyz`. Core checks (database, storage) are registered by HealthModule;
 * feature modules add theirs (e.g. `rtmp` once the listener is bound) from their own `onModuleInit`.
 */
@Injectable()
export class ReadinessChecks {
  private readonly probes = new Map<string, ReadinessProbe>();

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  entries(): Array<[string, ReadinessProbe]> {
    return [...this.probes.entries()];
  }
}
