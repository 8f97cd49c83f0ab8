'use client';

import { Button, Card, EmptyState, SimpleGrid, Skeleton, Stack, VisuallyHidden } from '@mantine/core';
import { IconBroadcastOff, IconKey } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { api, call } from '@/lib/api';
import { can } from '@/lib/roles';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { useMe } from '../shell/me-context';
import { LiveStreamCard } from './live-stream-card';
import { useBitrateHistory } from './use-bitrate-history';

export function LiveStreamsPage() {
  const me = useMe();
  const staff = can(me, 'others:read');
  const hasKeys = can(me, 'keys:write');
  const live = useQuery({
    queryKey: ['streams', 'live'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/streams/live', { signal })),
    refetchInterval: 2000,
  });
  const history = useBitrateHistory(live.data, live.dataUpdatedAt);
  const count = live.data?.length ?? 0;

  return (
    <>
      <PageHeader
        title={staff ? 'Live streams' : 'My live streams'}
        description={
          staff
            ? 'Everything being published to this server right now. Refreshes every 2 seconds.'
            : 'Your streams that are live right now. Refreshes every 2 seconds.'
        }
      />
      <VisuallyHidden aria-live="polite">
        {live.data ? `${count} live stream${count === 1 ? '' : 's'}` : ''}
      </VisuallyHidden>
      {live.error && !live.data && (
        <ErrorAlert error={live.error} title="Could not load live streams" onRetry={() => void live.refetch()} />
      )}
      {live.isPending && !live.error && (
        <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }} role="status" aria-label="Loading live streams">
          {[0, 1, 2].map((i) => (
            <Card key={i} withBorder padding="md">
              <Stack gap="sm">
                <Skeleton h={160} />
                <Skeleton h={20} w="60%" />
                <Skeleton h={60} />
              </Stack>
            </Card>
          ))}
        </SimpleGrid>
      )}
      {live.data && count === 0 && (
        <EmptyState
          mt="xl"
          icon={<IconBroadcastOff aria-hidden />}
          withIndicatorBackground
          title="Nobody is live right now"
          description={
            !hasKeys
              ? 'Streams show up here within a couple of seconds of a publisher going live.'
              : 'Point OBS or ffmpeg at the server with one of your stream keys and your stream appears here within seconds.'
          }
        >
          {hasKeys && (
            <EmptyState.Actions>
              <Button component={Link} href="/keys/" leftSection={<IconKey size={16} aria-hidden />} variant="light">
                Stream keys and OBS settings
              </Button>
            </EmptyState.Actions>
          )}
        </EmptyState>
      )}
      {live.data && count > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2, xl: 3 }} spacing="lg" aria-label="Live streams" component="section">
          {live.data.map((stream) => (
            <LiveStreamCard key={stream.id} stream={stream} bitrates={history.get(stream.id) ?? []} />
          ))}
        </SimpleGrid>
      )}
    </>
  );
}
