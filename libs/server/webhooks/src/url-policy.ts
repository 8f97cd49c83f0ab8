import { type OutboundGuard, OutboundPolicyError } from '@rapidrtmp/server-outbound';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Why `value` cannot be a webhook endpoint, or null when it can: an absolute http(s) URL with a host,
 * no user name or password (credentials in URLs end up in logs and proxies; put them in the path or
 * rely on the signature) and no fragment (never sent to the server).
 */
export function webhookUrlProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be a URL';
  if (value.length > MAX_WEBHOOK_URL_LENGTH) return `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.hash) return 'must not contain a fragment';
  return null;
}

/** The part of a webhook URL that is safe to log or audit: its origin (paths and queries may hold tokens). */
export function urlOrigin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return '(invalid url)';
  }
}

/**
 * The outbound-policy refusal of a webhook URL whose host is a literal address (`http://127.0.0.1/`,
 * `http://[::1]/`, `http://169.254.169.254/`, and spellings such as `http://0x7f.1/` that URL parsing turns
 * into one), or null. Host names pass here: what they resolve to is checked at each delivery, on the address
 * the request connects to.
 */
export function webhookAddressRefusal(url: string, guard: OutboundGuard): OutboundPolicyError | null {
  try {
    guard.checkHost(new URL(url).hostname);
    return null;
  } catch (error) {
    if (error instanceof OutboundPolicyError) return error;
    throw error;
  }
}
