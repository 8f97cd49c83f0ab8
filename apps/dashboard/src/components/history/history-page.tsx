'use client';

import {
  Anchor,
  Button,
  Center,
  ColorSwatch,
  EmptyState,
  Group,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconHistory, IconMovie } from '@tabler/icons-react';
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { api, call, type Schemas } from '@/lib/api';
import { END_REASON_LABELS, endReasonColor } from '@/lib/end-reasons';
import {
  codecName,
  formatBitrate,
  formatDateTime,
  formatDuration,
  formatResolution,
  localInputToIso,
} from '@/lib/format';
import { can } from '@/lib/roles';
import { useUsers } from '@/lib/use-users';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { TableSkeleton } from '../common/table-skeleton';
import { useMe } from '../shell/me-context';
import { LiveBadge } from '../streams/live-badge';
import { HistoryFilters, NO_FILTER, type HistoryFilter } from './history-filters';

type Session = Schemas['SessionDto'];
const PAGE_SIZE = 25;
const RECORDING_PAGE_SIZE = 200;
const RECORDING_PAGES_MAX = 10;

export function HistoryPage() {
  const me = useMe();
  const staff = can(me, 'others:read');
  // The owner filter lists the users, which needs managing them.
  const pickOwner = staff && can(me, 'users:admin');
  const [filter, setFilter] = useState<HistoryFilter>(NO_FILTER);
  // Typing a date fires a change per keystroke; ask the server once the user paused.
  const [query] = useDebouncedValue(filter, 300);
  const users = useUsers(pickOwner);
  const keys = useQuery({
    queryKey: ['stream-keys', null],
    queryFn: ({ signal }) => call(api.GET('/api/v1/stream-keys', { params: { query: {} }, signal })),
  });
  const sessions = useInfiniteQuery({
    queryKey: ['sessions', query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/v1/sessions', {
          params: {
            query: {
              limit: PAGE_SIZE,
              cursor: pageParam,
              userId: query.userId ?? undefined,
              streamKeyId: query.streamKeyId ?? undefined,
              from: localInputToIso(query.from),
              to: localInputToIso(query.to),
              endReason: query.endReason || undefined,
            },
          },
          signal,
        }),
      ),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows = sessions.data?.pages.flatMap((page) => page.items) ?? [];
  // Which of these sessions have a recording: one list call (same filters) covering the loaded rows'
  // time span, rather than a call per row. It follows with the rows as more pages load.
  // A minute of slack: a recording starts when its session does, give or take a moment.
  const lastRow = rows.at(-1);
  const oldest = lastRow ? new Date(Date.parse(lastRow.startedAt) - 60_000).toISOString() : undefined;
  const filterFrom = localInputToIso(query.from);
  const from = oldest && (!filterFrom || oldest > filterFrom) ? oldest : filterFrom;
  const recordings = useQuery({
    queryKey: ['recordings', 'for-history', query.userId, query.streamKeyId, from, localInputToIso(query.to)],
    enabled: rows.length > 0,
    placeholderData: keepPreviousData,
    queryFn: async ({ signal }) => {
      const ids = new Set<string>();
      let cursor: string | undefined;
      for (let page = 0; page < RECORDING_PAGES_MAX; page++) {
        const result = await call(
          api.GET('/api/v1/recordings', {
            params: {
              query: {
                limit: RECORDING_PAGE_SIZE,
                cursor,
                userId: query.userId ?? undefined,
                streamKeyId: query.streamKeyId ?? undefined,
                from,
                to: localInputToIso(query.to),
              },
            },
            signal,
          }),
        );
        for (const item of result.items) ids.add(item.id);
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      return ids;
    },
  });
  const keyLabels = new Map((keys.data ?? []).map((k) => [k.id, k.label]));

  return (
    <>
      <PageHeader
        title="History"
        description={
          staff ? 'Every stream session on this server, newest first.' : 'Your stream sessions, newest first.'
        }
      />
      <HistoryFilters
        value={filter}
        onChange={setFilter}
        users={pickOwner ? users.data : undefined}
        keys={keys.data ?? []}
      />
      {sessions.error && (
        <ErrorAlert error={sessions.error} title="Could not load the history" onRetry={() => void sessions.refetch()} />
      )}
      {sessions.isPending && <TableSkeleton label="Loading stream history" rows={6} />}
      {sessions.data && rows.length === 0 && (
        <EmptyState
          mt="xl"
          icon={<IconHistory aria-hidden />}
          withIndicatorBackground
          title="No sessions"
          description={
            JSON.stringify(filter) === JSON.stringify(NO_FILTER)
              ? 'Every time someone goes live, the session is recorded here.'
              : 'Nothing matches these filters. Clear them to see everything.'
          }
        />
      )}
      {rows.length > 0 && (
        <Stack gap="md">
          <Table.ScrollContainer minWidth={900} className="fit-phone">
            <Table verticalSpacing="sm" highlightOnHover aria-busy={sessions.isFetching}>
              <Table.Caption>
                {rows.length} session{rows.length === 1 ? '' : 's'}
                {sessions.hasNextPage ? ' so far' : ''}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Started</Table.Th>
                  {staff && <Table.Th>Publisher</Table.Th>}
                  <Table.Th visibleFrom="sm">Key</Table.Th>
                  <Table.Th visibleFrom="sm">Duration</Table.Th>
                  <Table.Th>Ended</Table.Th>
                  <Table.Th visibleFrom="sm">Stopped by</Table.Th>
                  <Table.Th visibleFrom="md">Video</Table.Th>
                  <Table.Th visibleFrom="md">Avg. bitrate</Table.Th>
                  <Table.Th visibleFrom="sm">
                    <VisuallyHidden>Recording</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((session) => (
                  <SessionRow
                    key={session.id}
                    session={session}
                    staff={staff}
                    keyLabel={keyLabels.get(session.streamKeyId ?? '')}
                    recorded={recordings.data?.has(session.id) ?? false}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Center>
            {sessions.hasNextPage ? (
              <Button
                variant="default"
                loading={sessions.isFetchingNextPage}
                onClick={() => void sessions.fetchNextPage()}
              >
                Load more
              </Button>
            ) : (
              <Text size="sm" c="dimmed">
                That is everything.
              </Text>
            )}
          </Center>
        </Stack>
      )}
    </>
  );
}

function SessionRow({
  session,
  staff,
  keyLabel,
  recorded,
}: {
  session: Session;
  staff: boolean;
  keyLabel?: string;
  recorded: boolean;
}) {
  return (
    <Table.Tr data-session-id={session.id}>
      <Table.Td>
        <Anchor component={Link} href={`/stream/?id=${session.id}`} size="sm">
          {formatDateTime(session.startedAt)}
        </Anchor>
        <Text size="xs" c="dimmed" hiddenFrom="sm">
          {session.keyLabel ?? keyLabel ?? 'Deleted key'} · {formatDuration(session.durationSeconds)}
        </Text>
        {recorded && (
          <Anchor
            component={Link}
            href={`/recording/?id=${session.id}`}
            size="xs"
            hiddenFrom="sm"
            display="inline-flex"
            style={{ alignItems: 'center', gap: 4 }}
            aria-label={`Recording of the session started ${formatDateTime(session.startedAt)}`}
          >
            <IconMovie size={12} aria-hidden /> Recording
          </Anchor>
        )}
      </Table.Td>
      {staff && <Table.Td>{session.owner?.name ?? '–'}</Table.Td>}
      <Table.Td visibleFrom="sm">{session.keyLabel ?? keyLabel ?? '–'}</Table.Td>
      <Table.Td visibleFrom="sm">{formatDuration(session.durationSeconds)}</Table.Td>
      <Table.Td>
        {session.live ? (
          <LiveBadge />
        ) : (
          <Group
            gap={6}
            wrap="nowrap"
            align="baseline"
            data-end-reason={session.endReason ?? ''}
            title={session.endedAt ? `Ended ${formatDateTime(session.endedAt)}` : undefined}
          >
            <ColorSwatch
              color={`var(--mantine-color-${endReasonColor(session.endReason)}-6)`}
              size={8}
              withShadow={false}
              aria-hidden
            />
            <Text size="sm">{session.endReason ? END_REASON_LABELS[session.endReason] : 'Ended'}</Text>
          </Group>
        )}
        {session.stoppedBy && (
          <Text size="xs" c="dimmed" hiddenFrom="sm" mt={4}>
            by {session.stoppedBy.name}
          </Text>
        )}
      </Table.Td>
      <Table.Td visibleFrom="sm" data-stopped-by>
        {session.stoppedBy?.name ?? '–'}
      </Table.Td>
      <Table.Td visibleFrom="md" className="nowrap">
        {session.width ? `${formatResolution(session.width, session.height)} ${codecName(session.videoCodec)}` : '–'}
      </Table.Td>
      <Table.Td visibleFrom="md" className="nowrap">
        {formatBitrate(session.avgBitrate)}
      </Table.Td>
      <Table.Td visibleFrom="sm" className="nowrap">
        {recorded && (
          <Button
            component={Link}
            href={`/recording/?id=${session.id}`}
            size="compact-sm"
            variant="light"
            leftSection={<IconMovie size={14} aria-hidden />}
            aria-label={`Recording of the session started ${formatDateTime(session.startedAt)}`}
          >
            Recording
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}
