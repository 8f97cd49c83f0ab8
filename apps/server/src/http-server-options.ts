import type { HttpSettings } from '@rapidrtmp/server-config';
import { fastifyTrustProxy } from '@rapidrtmp/server-http';

/** Node checks request timeouts on a timer; this often, so a slow request is cut close to its deadline. */
const MAX_CHECK_INTERVAL_MS = 5000;

/**
 * The Fastify options of the HTTP edge. Which timeout bounds what:
 * - `requestTimeout`: receiving one whole request, headers and body. A slow-loris body is cut there.
 *   It does not bound the response, so a held LL-HLS blocking reload or a long recording download is
 *   unaffected (Node stops the clock once the request is received).
 * - `connectionTimeout`: a socket with no bytes either way (Node's `server.timeout`). A held reload sends
 *   nothing for up to 3 target durations, so this stays well above that; a download that makes progress
 *   never trips it; a stalled one does.
 * - `http.headersTimeout`: the headers alone, within the request timeout.
 * - `trustProxy`: whose X-Forwarded-For is believed (TRUST_PROXY), so `request.ip` is the client's.
 */
export function httpServerOptions(http: HttpSettings) {
  return {
    trustProxy: fastifyTrustProxy(http.trustProxy),
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    http: {
      headersTimeout: http.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(
        250,
        Math.min(MAX_CHECK_INTERVAL_MS, Math.floor(http.requestTimeoutMs / 4)),
      ),
    },
  };
}
