import { Badge, Tooltip } from '@mantine/core';
import type { Schemas } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { LiveBadge } from '../streams/live-badge';

type StreamKey = Schemas['StreamKeyDto'];

export function isBanned(key: StreamKey): boolean {
  return key.bannedUntil !== null && new Date(key.bannedUntil).getTime() > Date.now();
}

export function KeyStatus({ streamKey }: { streamKey: StreamKey }) {
  if (streamKey.revokedAt)
    return (
      <Badge color="gray" variant="light">
        Revoked
      </Badge>
    );
  if (isBanned(streamKey))
    return (
      <Tooltip label={streamKey.banReason ? `Reason: ${streamKey.banReason}` : 'No reason given'} withArrow>
        <Badge color="red" variant="light" tabIndex={0}>
          Banned until {formatDateTime(streamKey.bannedUntil)}
        </Badge>
      </Tooltip>
    );
  if (streamKey.live) return <LiveBadge />;
  return (
    <Badge color="teal" variant="light">
      Ready
    </Badge>
  );
}

/** Live keys first, revoked last, newest first within each group. */
export function sortKeys(keys: StreamKey[]): StreamKey[] {
  const rank = (k: StreamKey) => (k.revokedAt ? 3 : isBanned(k) ? 2 : k.live ? 0 : 1);
  return [...keys].sort((a, b) => rank(a) - rank(b) || b.createdAt.localeCompare(a.createdAt));
}
