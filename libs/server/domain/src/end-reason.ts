/** Why a live stream ended; stored in `stream_sessions.end_reason` and sent in webhooks. */
export const END_REASONS = [
  'publisher_disconnect',
  'timeout',
  'server_shutdown',
  'stopped_by_moderator',
  'key_revoked',
  'key_banned',
  'user_disabled',
  'taken_over',
  'protocol_error',
  'node_lost',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/**
 * How a live stream ended, decided once by whoever ended it and kept once, on the stream hub; the
 * session row, the playlist and the webhooks read it from there.
 */
export interface StreamEnding {
  reason: EndReason;
  /** The publisher left on purpose or was stopped on purpose (a playlist can end at once). */
  graceful: boolean;
  /** The user who stopped it (moderation), when one did. */
  stoppedBy: string | null;
}

/** Ends that cut a recording short: the server went away, not the publisher. */
export function cutsRecordingShort(reason: EndReason): boolean {
  return reason === 'server_shutdown' || reason === 'node_lost';
}
