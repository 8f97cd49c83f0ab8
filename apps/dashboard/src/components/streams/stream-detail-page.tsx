'use client';

import { Anchor, Badge, Button, Card, Center, Grid, Group, Loader, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconPlayerStop } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { api, call, isApiError, type Schemas } from '@/lib/api';
import { isUuid, NotFoundState } from '../common/not-found-state';
import {
  codecName,
  formatBitrate,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatFps,
  formatResolution,
} from '@/lib/format';
import { livePlaybackPath } from '@/lib/playback-url';
import { can } from '@/lib/roles';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { RestreamCard } from '../restream/restream-card';
import { StatList } from '../common/stat-list';
import { HlsPlayer } from '../player/hls-player';
import { useMe } from '../shell/me-context';
import { EndedSummary } from './ended-summary';
import { bitrateHealth, droppedHealth, keyframeHealth, rollingAverages } from './health';
import { HealthBadges } from './health-badges';
import { IngestCharts } from './ingest-charts';
import { LiveBadge } from './live-badge';
import { StopStreamModal } from './stop-stream-modal';
import { usePlaybackToken } from './use-playback-token';

type Session = Schemas['SessionDto'];
type LiveDetail = Schemas['LiveStreamDetailDto'];

/** `/stream/?id=<session id>`: ids travel in the query string so one exported page serves them all. */
export function StreamDetailPage() {
  const id = useSearchParams().get('id') ?? '';
  if (!isUuid(id)) return <NotFound />;
  return <StreamDetail key={id} id={id} />;
}

function NotFound() {
  return (
    <NotFoundState
      title="No such stream"
      description="The link is incomplete or the stream is not visible to you."
      backHref="/"
      backLabel="Back to live streams"
    />
  );
}

function StreamDetail({ id }: { id: string }) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [stopOpen, setStopOpen] = useState(false);
  const [stopping, setStopping] = useState(false);
  const [stopped, setStopped] = useState<Session | null>(null);

  const session = useQuery({
    queryKey: ['session', id],
    queryFn: ({ signal }) => call(api.GET('/api/v1/sessions/{id}', { params: { path: { id } }, signal })),
    enabled: !stopped && !stopping,
    refetchInterval: (query) => (query.state.data?.live ? 2000 : false),
  });
  const live = Boolean(session.data?.live) && !stopped && !stopping;
  const stream = useQuery({
    queryKey: ['stream', id],
    queryFn: async ({ signal }): Promise<LiveDetail | null> => {
      try {
        return await call(api.GET('/api/v1/streams/{id}', { params: { path: { id } }, signal }));
      } catch (error) {
        // It ended between two polls: the session query tells how.
        if (!isApiError(error, 404)) throw error;
        void queryClient.invalidateQueries({ queryKey: ['session', id] });
        return null;
      }
    },
    enabled: live,
    refetchInterval: 2000,
  });
  const keyId = session.data?.streamKeyId;
  const signed = stream.data?.signedPlayback === true;
  const token = usePlaybackToken(keyId, live && signed);

  const stop = useMutation({
    mutationFn: async (request: { banSeconds?: number; reason?: string }) => {
      // Nothing may poll a stream that is about to disappear, and the player lets go first.
      setStopping(true);
      await queryClient.cancelQueries({ queryKey: ['stream', id] });
      await queryClient.cancelQueries({ queryKey: ['session', id] });
      return call(api.POST('/api/v1/streams/{id}/stop', { params: { path: { id } }, body: request }));
    },
    onSuccess: (ended) => {
      setStopped(ended);
      setStopping(false);
      setStopOpen(false);
      queryClient.setQueryData(['session', id], ended);
      void queryClient.invalidateQueries({ queryKey: ['streams', 'live'] });
      void queryClient.invalidateQueries({ queryKey: ['sessions'] });
      notifications.show({
        color: 'teal',
        title: 'Stream stopped',
        message: `“${ended.keyLabel ?? 'The stream'}” has ended.`,
      });
    },
    onError: () => setStopping(false),
  });

  const info = stopped ?? session.data;
  if (!info) {
    if (isApiError(session.error, 404)) return <NotFound />;
    if (session.error)
      return (
        <ErrorAlert error={session.error} title="Could not load the stream" onRetry={() => void session.refetch()} />
      );
    return <DetailSkeleton />;
  }

  const ended = stopped ?? (info.live ? null : info);
  const detail = ended ? null : stream.data;
  const label = detail?.keyLabel ?? info.keyLabel ?? 'Stream';
  const owner = detail?.ownerName ?? info.owner?.name ?? 'Unknown publisher';
  // Signed playback waits for its token; a session whose key is gone has no playback id.
  const src =
    info.playbackId && (!signed || token.data)
      ? livePlaybackPath(info.playbackId, signed ? token.data?.token : undefined)
      : undefined;
  const canStop = can(me, 'streams:write') && !ended;

  return (
    <>
      <Anchor
        component={Link}
        href="/"
        size="sm"
        mb="xs"
        display="inline-flex"
        style={{ alignItems: 'center', gap: 4 }}
      >
        <IconArrowLeft size={14} aria-hidden /> Live streams
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span>{label}</span>
            {ended ? (
              <Badge color="gray" variant="light">
                Ended
              </Badge>
            ) : (
              <LiveBadge size="md" />
            )}
          </Group>
        }
        description={`${owner} · started ${formatDateTime(info.startedAt)}${detail ? ` · on ${detail.nodeId}` : ''}`}
        actions={
          canStop && (
            <Button
              color="red"
              leftSection={<IconPlayerStop size={16} aria-hidden />}
              onClick={() => setStopOpen(true)}
            >
              Stop stream
            </Button>
          )
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            {ended ? (
              <EndedSummary session={ended} />
            ) : stopping ? (
              <Center
                bg="dark.8"
                c="gray.3"
                style={{ aspectRatio: '16 / 9', borderRadius: 'var(--mantine-radius-md)' }}
              >
                <Group gap="xs" role="status">
                  <Loader size="sm" color="gray.3" aria-hidden />
                  <Text size="sm" c="gray.3">
                    Stopping the stream…
                  </Text>
                </Group>
              </Center>
            ) : src ? (
              <HlsPlayer src={src} label={`Live video of ${label}`} controls />
            ) : (
              <Skeleton style={{ aspectRatio: '16 / 9' }} />
            )}
            {token.error && <ErrorAlert error={token.error} title="Could not get a playback token" />}
          </Stack>
        </Grid.Col>
        {/* On a phone the stats follow the player; on a desktop they sit beside it and the charts below. */}
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack gap="lg">
            <Card withBorder padding="lg">
              <Title order={2} fz="lg" mb="md">
                {ended ? 'Session' : 'Live stats'}
              </Title>
              {detail ? <LiveStats detail={detail} /> : <SessionStats session={info} />}
            </Card>
            {detail && <RestreamCard targets={detail.pushTargets} />}
            {stream.error && <ErrorAlert error={stream.error} title="Live stats are not updating" />}
          </Stack>
        </Grid.Col>
        {detail && (
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Card withBorder padding="lg">
              <IngestCharts timeline={detail.timeline} />
            </Card>
          </Grid.Col>
        )}
      </Grid>
      <StopStreamModal
        opened={stopOpen}
        streamLabel={label}
        pending={stop.isPending}
        error={stop.error}
        onClose={() => !stop.isPending && setStopOpen(false)}
        onConfirm={(request) => stop.mutate(request)}
      />
    </>
  );
}

function LiveStats({ detail }: { detail: LiveDetail }) {
  const bitrates = rollingAverages(
    detail.timeline.slice(-31, -1).map((s) => s.bits),
    5,
  );
  return (
    <Stack gap="md">
      <StatList
        columns={2}
        stats={[
          { label: 'Duration', value: formatDuration(detail.durationSeconds) },
          { label: 'Viewers', value: detail.viewers },
          { label: 'Resolution', value: formatResolution(detail.video?.width, detail.video?.height) },
          { label: 'Frame rate', value: formatFps(detail.fps) },
          { label: 'Bitrate', value: formatBitrate(detail.ingestBitrate) },
          {
            label: 'Keyframe interval',
            value: detail.keyframeIntervalMs ? `${(detail.keyframeIntervalMs / 1000).toFixed(1)} s` : '–',
          },
          { label: 'Video', value: <span title={detail.video?.codec}>{codecName(detail.video?.codec)}</span> },
          {
            label: 'Audio',
            value: (
              <span title={detail.audio?.codec}>
                {detail.audio ? `${codecName(detail.audio.codec)} ${detail.audio.sampleRate / 1000} kHz` : '–'}
              </span>
            ),
          },
          { label: 'Dropped frames', value: detail.droppedFrames },
          { label: 'Received', value: formatBytes(detail.bytesIn) },
        ]}
      />
      <HealthBadges
        signals={[
          bitrateHealth(bitrates),
          keyframeHealth(detail.keyframeIntervalMs),
          droppedHealth(detail.droppedFrames, detail.fps, detail.durationSeconds),
        ]}
      />
    </Stack>
  );
}

function SessionStats({ session }: { session: Session }) {
  return (
    <StatList
      columns={2}
      stats={[
        { label: 'Duration', value: formatDuration(session.durationSeconds) },
        { label: 'Ended', value: formatDateTime(session.endedAt) },
        { label: 'Resolution', value: formatResolution(session.width, session.height) },
        { label: 'Average bitrate', value: formatBitrate(session.avgBitrate) },
        { label: 'Video', value: codecName(session.videoCodec) },
        { label: 'Audio', value: codecName(session.audioCodec) },
        { label: 'Received', value: formatBytes(session.bytesIn) },
        { label: 'Server node', value: session.nodeId },
      ]}
    />
  );
}

function DetailSkeleton() {
  return (
    <Stack gap="lg" role="status" aria-label="Loading the stream">
      <Skeleton h={32} w="40%" />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Skeleton style={{ aspectRatio: '16 / 9' }} />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Skeleton h={240} />
        </Grid.Col>
      </Grid>
      <Text c="dimmed" size="sm">
        Loading the stream…
      </Text>
    </Stack>
  );
}
