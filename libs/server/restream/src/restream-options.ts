import type { PushConnector } from './push-relay.js';
import type { PushTiming } from './push-types.js';

/** Overrides for tests and benchmarks (timing, where sockets come from, TLS trust). */
export interface RestreamOptions {
  timing?: Partial<PushTiming>;
  /** Replaces the outbound-guarded connector. */
  connector?: PushConnector;
  /** CAs for rtmps targets (default: Node's roots plus the system bundle). */
  ca?: string[];
  /** How often this node checks the database for target changes it was not told about (default 30 s). */
  reconcileIntervalMs?: number;
}

export const RESTREAM_OPTIONS = Symbol('RESTREAM_OPTIONS');
