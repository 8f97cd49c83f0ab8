import { Badge, Tooltip } from '@mantine/core';
import type { Schemas } from '@/lib/api';
import { formatClock } from '@/lib/format';

type PushStatus = Schemas['PushTargetStatusDto'];

const LOOK: Record<PushStatus['state'], { label: string; color: string; variant: 'light' | 'outline' | 'filled' }> = {
  live: { label: 'Live', color: 'teal', variant: 'filled' },
  connecting: { label: 'Connecting', color: 'blue', variant: 'light' },
  retrying: { label: 'Retrying', color: 'orange', variant: 'light' },
  idle: { label: 'Waiting for the stream', color: 'gray', variant: 'light' },
  disabled: { label: 'Off', color: 'gray', variant: 'outline' },
};

/** Where one push stands; a retrying one says when it tries again. */
export function PushStateBadge({ status }: { status: PushStatus }) {
  const look = LOOK[status.state];
  const badge = (
    <Badge
      color={look.color}
      variant={look.variant}
      tabIndex={status.retryAt ? 0 : undefined}
      data-push-state={status.state}
    >
      {look.label}
    </Badge>
  );
  if (status.state !== 'retrying' || !status.retryAt) return badge;
  return (
    <Tooltip label={`Next attempt at ${formatClock(new Date(status.retryAt))}`} withArrow>
      {badge}
    </Tooltip>
  );
}
