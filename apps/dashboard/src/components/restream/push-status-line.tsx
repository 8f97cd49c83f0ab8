import { Text } from '@mantine/core';
import type { Schemas } from '@/lib/api';
import { formatBytes, formatClock } from '@/lib/format';

type PushStatus = Schemas['PushTargetStatusDto'];

/** One line on what a push is doing: sending, why it is retrying, or what it waits for. */
export function PushStatusLine({ status }: { status: PushStatus }) {
  switch (status.state) {
    case 'live':
      return (
        <Text size="xs" c="dimmed">
          {formatBytes(status.bytesSent)} sent
          {status.connectedAt ? ` · live since ${formatClock(new Date(status.connectedAt))}` : ''}
          {status.reconnects > 0 ? ` · ${status.reconnects} reconnect${status.reconnects === 1 ? '' : 's'}` : ''}
          {status.droppedPackets > 0 ? ` · ${status.droppedPackets} packets skipped (slow target)` : ''}
        </Text>
      );
    case 'retrying':
      return (
        <Text size="xs" c="red.7" style={{ overflowWrap: 'anywhere' }}>
          {status.lastError ?? 'The last attempt failed.'}
          {status.retryAt ? ` · next attempt at ${formatClock(new Date(status.retryAt))}` : ''}
        </Text>
      );
    case 'connecting':
      return (
        <Text size="xs" c="dimmed">
          Connecting and publishing…
        </Text>
      );
    case 'idle':
      return (
        <Text size="xs" c="dimmed">
          Pushed while the key is live.
        </Text>
      );
    case 'disabled':
      return (
        <Text size="xs" c="dimmed">
          Switched off: not pushed.
        </Text>
      );
  }
}
