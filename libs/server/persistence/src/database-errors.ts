/** SQLSTATE classes and codes that say "the database could not be reached or is going away", not "bad query". */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[1-3]|53300|53400)$/;
/** Socket errors from `pg` when the server cannot be reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);
/** What `pg` and `pg-pool` say when a connection is cut, never made, or a query outlives `query_timeout`. */
const UNAVAILABLE_MESSAGES =
  /connection terminated|terminating connection|timeout exceeded when trying to connect|connection timeout|query read timeout|client has encountered a connection error|cannot use a pool after calling end|connection is closed|database is unavailable/i;

/** Thrown instead of querying while the database is known to be down, so callers fail at once. */
export class DatabaseUnavailableError extends Error {
  constructor(message = 'database is unavailable') {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/**
 * Whether `error` means the database was unreachable (worth retrying the same statement later) rather
 * than a statement it refused (a constraint, a bug), which a retry would only repeat.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATES.test(code);
  }
  const cause = (error as { cause?: unknown }).cause ?? (error as { driverError?: unknown }).driverError;
  if (cause && cause !== error && isDatabaseUnavailable(cause)) return true;
  return UNAVAILABLE_MESSAGES.test(error.message);
}
