import { Badge, Group, Tooltip } from '@mantine/core';
import { LEVEL_COLORS, type HealthSignal } from './health';

export function HealthBadges({ signals }: { signals: HealthSignal[] }) {
  return (
    <Group gap={6} aria-label="Ingest health" role="group">
      {signals.map((signal) => (
        <Tooltip key={signal.key} label={signal.detail} multiline w={260} withArrow>
          <Badge
            color={LEVEL_COLORS[signal.level]}
            variant="light"
            size="sm"
            tabIndex={0}
            data-health={signal.key}
            data-level={signal.level}
            leftSection={
              <span aria-hidden>{signal.level === 'good' ? '●' : signal.level === 'unknown' ? '○' : '▲'}</span>
            }
          >
            {signal.label}
          </Badge>
        </Tooltip>
      ))}
    </Group>
  );
}
