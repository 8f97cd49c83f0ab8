import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';
/** Every request and response body of the API, by schema name (e.g. `Schemas['LiveStreamDto']`). */
export type Schemas = components['schemas'];
export type ApiClient = Client<paths>;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads a cookie in the browser (the CSRF cookie is deliberately not httpOnly). */
function readCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`));
  return match ? decodeURIComponent(match.slice(name.length + 1)) : undefined;
}

/** Cookie-authenticated mutations carry the session's CSRF token (double submit). */
const csrf: Middleware = {
  onRequest({ request }) {
    const token = readCookie('rr_csrf');
    if (token && UNSAFE_METHODS.has(request.method)) request.headers.set('X-CSRF-Token', token);
    return request;
  },
};

export interface ApiClientOptions {
  /** Server origin; empty for same-origin (the dashboard served by the server). */
  baseUrl?: string;
  /** An API token or session token; without it the browser's session cookie is used. */
  token?: string;
  fetch?: typeof fetch;
}

/** A typed client for the RapidRTMP REST API, generated from its OpenAPI document. */
export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    credentials: 'same-origin',
    headers: options.token ? { Authorization: `Bearer ${options.token}` } : undefined,
    fetch: options.fetch,
  });
  client.use(csrf);
  return client;
}
