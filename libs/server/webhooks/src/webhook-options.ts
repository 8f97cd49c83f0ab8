/** Injection token of a `Partial<WebhookOptions>`; anything missing takes its default. */
export const WEBHOOK_OPTIONS = Symbol('WEBHOOK_OPTIONS');

/** Delivery tuning. The defaults suit production; tests shorten the backoff and the timeout. */
export interface WebhookOptions {
  /** Delay before the first retry; each further retry doubles it. */
  backoffBaseMs: number;
  /** Upper bound of one retry delay. */
  backoffMaxMs: number;
  /** Attempts (the first one included) before a delivery is marked failed. */
  maxAttempts: number;
  /** One attempt (lookup, connect, TLS, request, response headers) must finish within this; the body is not read. */
  requestTimeoutMs: number;
  /** Deliveries claimed per worker round. */
  batchSize: number;
  /**
   * Longest sleep of the worker between rounds: how soon it notices deliveries queued by other nodes
   * or left behind by a node that died mid-send.
   */
  pollIntervalMs: number;
  /** Succeeded and failed deliveries older than this are deleted from the log. */
  retentionMs: number;
  /** How often a worker prunes the log. */
  pruneIntervalMs: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: Readonly<WebhookOptions> = Object.freeze({
  backoffBaseMs: 1000,
  backoffMaxMs: 10 * 60_000,
  maxAttempts: 8,
  requestTimeoutMs: 5000,
  batchSize: 10,
  pollIntervalMs: 5000,
  retentionMs: 30 * 24 * 3600_000,
  pruneIntervalMs: 3600_000,
});

export function resolveWebhookOptions(options: Partial<WebhookOptions> = {}): WebhookOptions {
  const resolved = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`webhook option ${name} must be a positive number`);
  }
  return resolved;
}

/**
 * How long a claimed delivery stays invisible to other workers. It must outlast one round of this worker
 * (every claimed row sent one after another, each up to the timeout) so that only a dead node's claims
 * are taken over; it is also the delay before a crashed node's deliveries are retried.
 */
export function claimLeaseMs(options: WebhookOptions): number {
  return options.requestTimeoutMs * options.batchSize + 10_000;
}
