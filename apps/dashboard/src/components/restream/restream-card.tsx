import { Card, Group, Stack, Text, Title } from '@mantine/core';
import type { Schemas } from '@/lib/api';
import { PushStateBadge } from './push-state-badge';
import { PushStatusLine } from './push-status-line';

/** The stream page's restream panel: each target of the key and where its push stands (updates with the page). */
export function RestreamCard({ targets }: { targets: Schemas['PushTargetStatusDto'][] }) {
  if (targets.length === 0) return null;
  const live = targets.filter((t) => t.state === 'live').length;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="restream-title">
      <Group justify="space-between" mb="md" wrap="nowrap">
        <Title order={2} fz="lg" id="restream-title">
          Restream
        </Title>
        <Text size="sm" c="dimmed">
          {live} of {targets.length} live
        </Text>
      </Group>
      <Stack gap="sm">
        {targets.map((target) => (
          <div key={target.targetId} data-push-target={target.label}>
            <Group justify="space-between" gap="xs" wrap="nowrap">
              <Text size="sm" fw={600} truncate>
                {target.label}
              </Text>
              <PushStateBadge status={target} />
            </Group>
            <PushStatusLine status={target} />
          </div>
        ))}
      </Stack>
    </Card>
  );
}
