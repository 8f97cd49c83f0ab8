import { webhookHeaders } from './signing.js';

export interface WebhookRequest {
  url: string;
  secret: string;
  eventId: string;
  body: string;
}

export interface SendOptions {
  timeoutMs: number;
  /** Aborts the request without it counting as an attempt (shutdown). */
  signal?: AbortSignal;
  /** Unix milliseconds, for the signature timestamp. */
  now?: () => number;
}

/** What one POST did. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** Cut short by `signal` (not by the timeout): not an attempt. */
  aborted: boolean;
}

const USER_AGENT = 'RapidRTMP-Webhooks/1';
const MAX_ERROR_LENGTH = 500;

/**
 * POSTs one signed delivery. Never throws: network errors, timeouts and non-2xx answers come back as a
 * failed result. Redirects are not followed (the signature names the endpoint the admin registered) and
 * the response body is discarded unread, so a receiver cannot hold the worker past the timeout.
 */
export async function sendWebhook(request: WebhookRequest, options: SendOptions): Promise<SendResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const timestamp = Math.floor((options.now ?? Date.now)() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        ...webhookHeaders(request.secret, request.eventId, timestamp, request.body),
      },
      body: request.body,
      redirect: 'manual',
      signal,
    });
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      statusCode: response.status,
      error: ok
        ? null
        : `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`,
      durationMs: elapsed(),
      aborted: false,
    };
  } catch (error) {
    const aborted = options.signal?.aborted === true && !timeout.aborted;
    return {
      ok: false,
      statusCode: null,
      error: timeout.aborted ? `timeout after ${options.timeoutMs} ms` : describeError(error),
      durationMs: elapsed(),
      aborted,
    };
  }
}

/** `fetch failed` says nothing; the cause (ECONNREFUSED, ENOTFOUND, a TLS error) does. */
function describeError(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const message =
    cause?.code && cause.message
      ? `${cause.code}: ${cause.message}`
      : (cause?.message ?? (error instanceof Error ? error.message : String(error)));
  // Fetch refuses some ports outright (https://fetch.spec.whatwg.org/#port-blocking).
  if (message === 'bad port') return 'port blocked by fetch (bad port); use another port';
  return message.length > MAX_ERROR_LENGTH ? message.slice(0, MAX_ERROR_LENGTH) : message;
}
