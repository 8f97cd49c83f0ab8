import { Alert, Button, Group, Text } from '@mantine/core';
import Link from 'next/link';
import { IconPlayerStop } from '@tabler/icons-react';
import type { Schemas } from '@/lib/api';
import { END_REASON_LABELS } from '@/lib/end-reasons';
import { formatDateTime } from '@/lib/format';

/** How a session ended, and who ended it. */
export function EndedSummary({ session }: { session: Schemas['SessionDto'] }) {
  const reason = session.endReason ? END_REASON_LABELS[session.endReason] : 'Ended';
  return (
    <Alert
      color={session.endReason === 'stopped_by_moderator' ? 'red' : 'gray'}
      icon={<IconPlayerStop aria-hidden />}
      title="Stream ended"
      role="status"
      data-end-reason={session.endReason ?? ''}
    >
      <Text size="sm">
        {reason}
        {session.stoppedBy ? (
          <>
            {' '}
            (<strong>{session.stoppedBy.name}</strong>)
          </>
        ) : null}
        {session.endedAt ? ` at ${formatDateTime(session.endedAt)}` : ''}.
      </Text>
      <Group gap="xs" mt="sm">
        <Button component={Link} href="/" size="xs" variant="default">
          Live streams
        </Button>
        <Button component={Link} href="/history/" size="xs" variant="default">
          Stream history
        </Button>
      </Group>
    </Alert>
  );
}
