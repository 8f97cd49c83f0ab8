import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { type OutboundGuard, OutboundPolicyError } from '@rapidrtmp/server-outbound';
import { webhookHeaders } from './signing.js';

export interface WebhookRequest {
  url: string;
  secret: string;
  eventId: string;
  body: string;
}

export interface SendOptions {
  /** Whole attempt: name lookup, connect, TLS, request and response headers. */
  timeoutMs: number;
  /** Where the request may connect: the outbound address policy, applied to the resolved address. */
  guard: OutboundGuard;
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
  /**
   * Retrying cannot help: the outbound address policy refused the endpoint's address. The delivery fails
   * at once instead of being retried with backoff (see the worker).
   */
  permanent: boolean;
}

const USER_AGENT = 'RapidRTMP-Webhooks/1';
const MAX_ERROR_LENGTH = 500;
/** Response headers larger than this fail the attempt (Node's default is 16 KiB; a receiver needs far less). */
const MAX_RESPONSE_HEADER_BYTES = 8 * 1024;

/**
 * POSTs one signed delivery. Never throws: refusals, network errors, timeouts and non-2xx answers come back
 * as a failed result. The connection goes only to addresses the outbound policy allows, checked on the
 * resolved address at connect time. Redirects are not followed (the signature names the endpoint the admin
 * registered, and a redirect could point anywhere). Only the status line and headers are read: the body is
 * never read or stored (a receiver cannot hold the worker or fill memory, and an allowed internal service's
 * answer cannot be read back through the delivery log), and the connection is closed right after.
 */
export async function sendWebhook(request: WebhookRequest, options: SendOptions): Promise<SendResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const timestamp = Math.floor((options.now ?? Date.now)() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const url = new URL(request.url);
    options.guard.checkHost(url.hostname);
    const status = await post(url, request, timestamp, options.guard, signal);
    const ok = status >= 200 && status < 300;
    return {
      ok,
      statusCode: status,
      error: ok ? null : `HTTP ${status}${status >= 300 && status < 400 ? ' (redirects are not followed)' : ''}`,
      durationMs: elapsed(),
      aborted: false,
      permanent: false,
    };
  } catch (error) {
    const aborted = options.signal?.aborted === true && !timeout.aborted;
    const refused = error instanceof OutboundPolicyError;
    return {
      ok: false,
      statusCode: null,
      error: timeout.aborted && !refused ? `timeout after ${options.timeoutMs} ms` : describeError(error),
      durationMs: elapsed(),
      aborted,
      permanent: refused,
    };
  }
}

/** Sends the request and resolves with the response status once the headers are in; the body is discarded. */
function post(
  url: URL,
  request: WebhookRequest,
  timestamp: number,
  guard: OutboundGuard,
  signal: AbortSignal,
): Promise<number> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(request.body),
          'user-agent': USER_AGENT,
          ...webhookHeaders(request.secret, request.eventId, timestamp, request.body),
        },
        // Resolved and checked here, at connect time: what was checked is what is connected to.
        lookup: guard.lookup,
        // A connection of its own, closed after the answer: nothing pooled, nothing reused for another host.
        agent: false,
        maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
        signal,
      },
      (response: IncomingMessage) => {
        resolve(response.statusCode ?? 0);
        response.on('error', () => undefined);
        response.destroy();
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** The policy's own message; for network errors, the code (ECONNREFUSED, ENOTFOUND, a TLS error) and message. */
function describeError(error: unknown): string {
  const coded = error as { code?: unknown; message?: unknown };
  const message =
    error instanceof OutboundPolicyError || typeof coded.code !== 'string'
      ? String(coded.message ?? error)
      : `${coded.code}: ${String(coded.message)}`;
  return message.length > MAX_ERROR_LENGTH ? message.slice(0, MAX_ERROR_LENGTH) : message;
}
