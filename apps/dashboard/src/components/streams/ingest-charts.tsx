'use client';

import { AreaChart, LineChart } from '@mantine/charts';
import { Group, SegmentedControl, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useState } from 'react';
import type { Schemas } from '@/lib/api';
import { formatBitrate, formatClock } from '@/lib/format';
import { rollingAverages } from './health';

type Second = Schemas['IngestSecondDto'];

const RANGES = [
  { value: '60', label: '1 min' },
  { value: '180', label: '3 min' },
  { value: '300', label: '5 min' },
];
const SMOOTHING_SECONDS = 5;

/** Ingest bit rate (5 s average, like the live figure) and frame rate over the last minutes. */
export function IngestCharts({ timeline }: { timeline: Second[] }) {
  const [range, setRange] = useState('180');
  // The newest second is still being counted: leave it out rather than draw a false dip.
  const complete = timeline.slice(0, -1);
  const window = complete.slice(-(Number(range) + SMOOTHING_SECONDS - 1));
  const smoothed = rollingAverages(
    window.map((s) => s.bits),
    SMOOTHING_SECONDS,
  );
  const points = window.slice(SMOOTHING_SECONDS - 1).map((second, i) => ({
    time: formatClock(new Date(second.at * 1000)),
    kbps: Math.round((smoothed[i] ?? 0) / 1000), // same length as this slice: always present
    fps: second.frames,
  }));
  const bitrates = smoothed.filter((v) => v > 0);
  const summary =
    bitrates.length > 0
      ? `Over the charted period the bit rate ranged from ${formatBitrate(Math.min(...bitrates))} to ${formatBitrate(Math.max(...bitrates))}.`
      : 'No ingest data yet.';

  return (
    <Stack gap="md">
      <Group justify="space-between" gap="xs">
        <Title order={2} fz="lg">
          Ingest over time
        </Title>
        <SegmentedControl size="xs" value={range} onChange={setRange} data={RANGES} aria-label="Chart time range" />
      </Group>
      <VisuallyHidden>{summary}</VisuallyHidden>
      {points.length < 2 ? (
        <Text c="dimmed" size="sm">
          Collecting data: the charts fill in after a few seconds of streaming.
        </Text>
      ) : (
        <>
          <div>
            <Text size="sm" fw={500} mb={4} id="chart-bitrate">
              Bitrate (kbit/s, 5 s average)
            </Text>
            <AreaChart
              aria-labelledby="chart-bitrate"
              h={180}
              data={points}
              dataKey="time"
              series={[{ name: 'kbps', label: 'Bitrate (kbit/s)', color: 'indigo.6' }]}
              curveType="monotone"
              withDots={false}
              withGradient
              strokeWidth={2}
              tickLine="none"
              gridAxis="y"
              xAxisProps={{ minTickGap: 48 }}
              areaChartProps={{ syncId: 'ingest' }}
              areaProps={{ isAnimationActive: false }}
            />
          </div>
          <div>
            <Text size="sm" fw={500} mb={4} id="chart-fps">
              Frames per second
            </Text>
            <LineChart
              aria-labelledby="chart-fps"
              h={140}
              data={points}
              dataKey="time"
              series={[{ name: 'fps', label: 'Frames per second', color: 'teal.6' }]}
              curveType="monotone"
              withDots={false}
              strokeWidth={2}
              tickLine="none"
              gridAxis="y"
              xAxisProps={{ minTickGap: 48 }}
              // 0 to the next multiple of 10 above the highest rate: 30 fps gets a 0–40 axis.
              yAxisProps={{ domain: [0, (max: number) => Math.ceil((max + 1) / 10) * 10], allowDecimals: false }}
              lineChartProps={{ syncId: 'ingest' }}
              lineProps={{ isAnimationActive: false }}
            />
          </div>
        </>
      )}
    </Stack>
  );
}
