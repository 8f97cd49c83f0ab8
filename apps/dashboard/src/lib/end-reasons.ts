import type { EndReason } from './api';

/** What each session end reason means, in words. */
export const END_REASON_LABELS: Record<EndReason, string> = {
  publisher_disconnect: 'Publisher disconnected',
  timeout: 'Timed out',
  server_shutdown: 'Server shut down',
  stopped_by_moderator: 'Stopped by a moderator',
  key_revoked: 'Key revoked',
  key_banned: 'Key banned',
  user_disabled: 'User disabled',
  taken_over: 'Taken over by a new publish',
  protocol_error: 'Protocol error',
  node_lost: 'Server node lost',
};

export const END_REASONS = Object.keys(END_REASON_LABELS) as EndReason[];

/** Badge colour: red when someone intervened, gray when the stream simply ended. */
export function endReasonColor(reason: EndReason | null): string {
  switch (reason) {
    case 'stopped_by_moderator':
    case 'key_banned':
    case 'key_revoked':
    case 'user_disabled':
      return 'red';
    case 'timeout':
    case 'protocol_error':
    case 'node_lost':
      return 'orange';
    default:
      return 'gray';
  }
}
