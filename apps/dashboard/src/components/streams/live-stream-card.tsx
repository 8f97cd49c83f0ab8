'use client';

import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import Link from 'next/link';
import type { Schemas } from '@/lib/api';
import { codecName, formatBitrate, formatDuration, formatFps, formatResolution } from '@/lib/format';
import { StatList } from '../common/stat-list';
import { bitrateHealth, droppedHealth, keyframeHealth } from './health';
import { HealthBadges } from './health-badges';
import { LiveBadge } from './live-badge';
import { LivePreview } from './live-preview';

type LiveStream = Schemas['LiveStreamDto'];

export function LiveStreamCard({ stream, bitrates }: { stream: LiveStream; bitrates: number[] }) {
  const titleId = `stream-${stream.id}`;
  const codecs = [stream.video?.codec, stream.audio?.codec].filter(Boolean).map(codecName).join(' + ');
  return (
    <Card withBorder padding="md" radius="md" component="article" aria-labelledby={titleId} data-stream-id={stream.id}>
      <Card.Section>
        <LivePreview stream={stream} />
      </Card.Section>
      <Stack gap="sm" mt="md">
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Title order={2} fz="lg" id={titleId} lineClamp={1}>
            {stream.keyLabel}
          </Title>
          <LiveBadge />
        </Group>
        <Text size="sm" c="dimmed" mt={-8}>
          {stream.ownerName} · live for {formatDuration(stream.durationSeconds)} · on {stream.nodeId}
        </Text>
        <StatList
          stats={[
            { label: 'Resolution', value: formatResolution(stream.video?.width, stream.video?.height) },
            { label: 'Frame rate', value: formatFps(stream.fps) },
            { label: 'Bitrate', value: formatBitrate(stream.ingestBitrate) },
            {
              label: 'Codecs',
              value: (
                <span title={[stream.video?.codec, stream.audio?.codec].filter(Boolean).join(', ')}>
                  {codecs || '–'}
                </span>
              ),
            },
            { label: 'Viewers', value: stream.viewers },
            { label: 'Duration', value: formatDuration(stream.durationSeconds) },
          ]}
        />
        <HealthBadges
          signals={[
            bitrateHealth(bitrates),
            keyframeHealth(stream.keyframeIntervalMs),
            droppedHealth(stream.droppedFrames, stream.fps, stream.durationSeconds),
          ]}
        />
        <Button component={Link} href={`/stream/?id=${stream.id}`} variant="light" fullWidth aria-describedby={titleId}>
          Watch and details
        </Button>
      </Stack>
    </Card>
  );
}
