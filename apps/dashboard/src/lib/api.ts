import { createApiClient, type Schemas } from '@rapidrtmp/contracts';

/** The one client the dashboard talks to the server with: same origin, session cookie, CSRF header. */
export const api = createApiClient();

export type { Schemas };
export type Role = Schemas['UserDto']['role'];
export type EndReason = NonNullable<Schemas['SessionDto']['endReason']>;
export type Scope = Schemas['ApiTokenDto']['scopes'][number];

/** RFC 9457 problem details, the body of every API error. */
export interface Problem {
  title?: string;
  status?: number;
  detail?: string;
  errors?: string[];
  /** Login rate limiting: how long to wait. */
  retryAfterSeconds?: number;
}

/** A failed API call: the HTTP status (0 when the server could not be reached) and its problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export function isApiError(error: unknown, status?: number): error is ApiError {
  return error instanceof ApiError && (status === undefined || error.status === status);
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError carrying the problem
 * details, so TanStack Query sees failures as errors.
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, { detail: 'network' });
  }
  if (!result.response.ok) throw new ApiError(result.response.status, asProblem(result.error));
  return result.data as T;
}

function asProblem(body: unknown): Problem {
  if (body && typeof body === 'object') return body;
  return typeof body === 'string' && body.trim() !== '' ? { detail: body.trim().slice(0, 300) } : {};
}

/** A sentence a person can act on, for any error a query or mutation threw. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return error instanceof Error ? error.message : 'Something went wrong. Reload the page and try again.';
  }
  const { status, problem } = error;
  const detail = problem.detail && problem.detail !== 'network' ? problem.detail : undefined;
  switch (true) {
    case status === 0:
      return 'The RapidRTMP server cannot be reached. Check that it is running and that you are online, then try again.';
    case status === 400: {
      const fields = problem.errors?.length ? ` ${problem.errors.map(sentence).join(' ')}` : '';
      return `${detail ?? 'The request was not accepted.'}${fields}`;
    }
    case status === 401:
      return 'Your session has ended. Sign in again to continue.';
    case status === 403:
      return `${detail ?? 'You are not allowed to do this.'} Ask an admin if you need this permission.`;
    case status === 404:
      return detail ?? 'It no longer exists. Reload the page to see the current state.';
    case status === 429:
      return detail ?? 'Too many requests. Wait a moment and try again.';
    case status >= 500:
      return `The server failed to handle this request (HTTP ${status}). Try again; if it keeps failing, check the server log.`;
    default:
      return detail ?? `The request failed (HTTP ${status}).`;
  }
}

/** `90` → `2 minutes`, `20` → `20 seconds`. */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
