import type { MetricsRegistry } from '@rapidrtmp/server-metrics';

/** Labels carry outcomes and event types only, never URLs (they can hold tokens). */
export function createWebhookMetrics(metrics: MetricsRegistry) {
  return {
    queued: metrics.counter({
      name: 'webhook_deliveries_queued_total',
      help: 'Webhook deliveries queued, by event type',
      labelNames: ['type'],
    }),
    attempts: metrics.counter({
      name: 'webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome: succeeded, retry (failed, will retry) or failed (gave up)',
      labelNames: ['outcome'],
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
