import type { EndReason } from './end-reason.js';

/**
 * Why a publish was refused (the key check, the one-publisher rule, a node shutting down, or a key that
 * could not be checked because the database is unreachable and the key was not seen recently).
 */
export type RefusalReason =
  'bad_key' | 'key_revoked' | 'key_banned' | 'owner_disabled' | 'already_live' | 'draining' | 'database_unavailable';

/** A refused publish: the reason (a metric label) and what the publisher is told. */
export interface PublishRefusal {
  reason: RefusalReason;
  description: string;
}

/** Why the server closed an RTMP connection for a violation or a limit. */
export type ConnectionFault =
  | 'max_connections'
  | 'max_connections_per_ip'
  | 'handshake_timeout'
  | 'idle_timeout'
  | 'protocol_error'
  | 'slow_reader';

/** Everything `rtmp_rejected_total{reason}` counts (`tls_error`: an RTMPS client that failed its TLS handshake). */
export type RejectReason = RefusalReason | ConnectionFault | 'tls_error';

/** The end a fault gives the stream the connection was publishing, if any. */
export const FAULT_ENDINGS: Readonly<Record<ConnectionFault, EndReason>> = {
  max_connections: 'publisher_disconnect',
  max_connections_per_ip: 'publisher_disconnect',
  handshake_timeout: 'timeout',
  idle_timeout: 'timeout',
  protocol_error: 'protocol_error',
  slow_reader: 'publisher_disconnect',
};
