import { api, call } from './api';

/**
 * The webhook routes are being added to the server while this page is built, so they are not in the
 * generated contract yet. These shapes follow the agreed design; once `npm run contracts` picks the
 * routes up, replace this file with `Schemas['WebhookDto']` & co. and plain typed `api` calls.
 */
export const WEBHOOK_EVENTS = ['stream.started', 'stream.ended', 'stream.stopped'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  events: WebhookEvent[];
  enabled: boolean;
  createdAt: string;
}

export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  /** The signing secret, shown only in the creation response. */
  secret: string;
}

export interface WebhookDelivery {
  id: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  createdAt: string;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface NewWebhook {
  url: string;
  description?: string;
  events?: WebhookEvent[];
}

interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}
type Init = { params?: { path?: Record<string, string>; query?: Record<string, unknown> }; body?: unknown };
/** The same client (cookie auth, CSRF header), addressed by paths the generated types do not know yet. */
const untyped = api as unknown as Record<
  'GET' | 'POST' | 'PATCH' | 'DELETE',
  (path: string, init?: Init) => Promise<Result>
>;

export const webhooksApi = {
  list: () => call(untyped.GET('/api/v1/webhooks')) as Promise<WebhookEndpoint[]>,
  create: (body: NewWebhook) => call(untyped.POST('/api/v1/webhooks', { body })) as Promise<CreatedWebhookEndpoint>,
  setEnabled: (id: string, enabled: boolean) =>
    call(
      untyped.PATCH('/api/v1/webhooks/{id}', { params: { path: { id } }, body: { enabled } }),
    ) as Promise<WebhookEndpoint>,
  remove: (id: string) => call(untyped.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })) as Promise<void>,
  /** Queues a signed `webhook.test` event for this endpoint only. */
  sendTest: (id: string) =>
    call(untyped.POST('/api/v1/webhooks/{id}/test', { params: { path: { id } } })) as Promise<unknown>,
  deliveries: (id: string) =>
    call(
      untyped.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: 50 } } }),
    ) as Promise<WebhookDelivery[]>,
};
