import { RtmpClientError } from '@rapidrtmp/rtmp';

/** Failures the relay itself detects (the others are socket, TLS, policy and RTMP errors). */
export type PushErrorCode = 'timeout' | 'closed' | 'stalled';

export class PushError extends Error {
  constructor(
    readonly code: PushErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PushError';
  }
}

/** Why an attempt failed, for the failures metric: a small fixed set. */
export const FAILURE_REASONS = [
  'refused',
  'dns',
  'policy',
  'tls',
  'network',
  'timeout',
  'closed',
  'stalled',
  'rtmp',
  'other',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

const NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN']);

export function failureReason(error: unknown): FailureReason {
  if (error instanceof PushError) return error.code;
  if (error instanceof RtmpClientError) return 'rtmp';
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ERR_OUTBOUND_POLICY') return 'policy';
  if (NETWORK_CODES.has(code)) return 'network';
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_CERT)/.test(code)) return 'tls';
  return 'other';
}

/** Longest error text kept in the status and sent in webhooks. */
const MAX_ERROR_TEXT = 500;

/**
 * The error as people read it, without the target's stream key (servers and TLS stacks may echo what they
 * were sent) and bounded in length.
 */
export function describePushError(error: unknown, secrets: readonly string[]): string {
  let text = error instanceof Error ? error.message || error.name : String(error);
  for (const secret of secrets) text = text.split(secret).join('<stream key>');
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text;
}

/** The spellings of a stream key that could appear in an error (as given, URL-encoded), longest first. */
export function secretSpellings(streamKey: string): string[] {
  return [...new Set([streamKey, encodeURIComponent(streamKey)])]
    .filter((s) => s.length >= 3)
    .sort((a, b) => b.length - a.length);
}
