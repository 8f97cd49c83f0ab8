import { createHash, timingSafeEqual } from 'node:crypto';

/** Who may read /metrics, and where (METRICS_TOKEN, METRICS_PORT). */
export interface MetricsAccess {
  /** Readers must send `Authorization: Bearer <token>`; unset: anyone who reaches the listener. */
  token?: string;
  /** Serve /metrics on this port only (not on the HTTP port); unset: on the HTTP port. */
  port?: number;
  /** Address the metrics port binds to. */
  host?: string;
}

export const METRICS_ACCESS = Symbol('METRICS_ACCESS');

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an Authorization header carries the metrics token (compared in constant time). */
export function metricsAuthorized(access: MetricsAccess, authorization: string | string[] | undefined): boolean {
  if (access.token === undefined) return true;
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  if (!header?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice(7).trim()), digest(access.token));
}
