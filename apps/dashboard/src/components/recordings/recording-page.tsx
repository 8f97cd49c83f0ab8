'use client';

import { Alert, Anchor, Badge, Button, Card, Grid, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconArrowLeft, IconDownload, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { api, call, isApiError, type Schemas } from '@/lib/api';
import { isUuid, NotFoundState } from '../common/not-found-state';
import { formatBytes, formatDateTime, formatDuration } from '@/lib/format';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { StatList } from '../common/stat-list';
import { VodPlayer } from '../player/vod-player';
import { DeleteRecordingModal } from './delete-recording-modal';
import { RECORDING_STATUS, STORAGE_LABELS, sameOriginPath } from './recording-status';

type Recording = Schemas['RecordingDto'];

/** `/recording/?id=<recording id>` (the id of the stream session it recorded). */
export function RecordingPage() {
  const id = useSearchParams().get('id') ?? '';
  if (!isUuid(id)) return <NotFound />;
  return <RecordingDetail key={id} id={id} />;
}

function NotFound() {
  return (
    <NotFoundState
      title="No such recording"
      description="The link is incomplete, the recording was deleted, or it is not visible to you."
      backHref="/history/"
      backLabel="Back to history"
    />
  );
}

function RecordingDetail({ id }: { id: string }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [deleteOpen, setDeleteOpen] = useState(false);
  const [deleted, setDeleted] = useState(false);

  const recording = useQuery({
    queryKey: ['recording', id],
    queryFn: ({ signal }) => call(api.GET('/api/v1/recordings/{id}', { params: { path: { id } }, signal })),
    enabled: !deleted,
    // Still being written: the numbers move until the stream ends.
    refetchInterval: (query) => (query.state.data?.status === 'recording' ? 3000 : false),
  });
  // The session it recorded, for the key's name and the publisher (nice to have, not required).
  const session = useQuery({
    queryKey: ['session', id],
    queryFn: ({ signal }) => call(api.GET('/api/v1/sessions/{id}', { params: { path: { id } }, signal })),
    enabled: !deleted,
  });

  const remove = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/recordings/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setDeleted(true);
      setDeleteOpen(false);
      queryClient.removeQueries({ queryKey: ['recording', id] });
      void queryClient.invalidateQueries({ queryKey: ['recordings'] });
      notifications.show({ color: 'teal', title: 'Recording deleted', message: 'Its video files are gone.' });
      router.push('/history/');
    },
  });

  const data = recording.data;
  if (!data) {
    if (isApiError(recording.error, 404) || deleted) return <NotFound />;
    if (recording.error)
      return (
        <ErrorAlert
          error={recording.error}
          title="Could not load the recording"
          onRetry={() => void recording.refetch()}
        />
      );
    return <DetailSkeleton />;
  }

  const label = session.data?.keyLabel ?? 'Stream';
  const owner = session.data?.owner?.name;
  const status = RECORDING_STATUS[data.status];
  const live = data.status === 'recording';

  return (
    <>
      <Anchor
        component={Link}
        href="/history/"
        size="sm"
        mb="xs"
        display="inline-flex"
        style={{ alignItems: 'center', gap: 4 }}
      >
        <IconArrowLeft size={14} aria-hidden /> History
      </Anchor>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span>Recording of {label}</span>
            <Badge color={status.color} variant="light" data-recording-status={data.status}>
              {status.label}
            </Badge>
          </Group>
        }
        description={`${owner ? `${owner} · ` : ''}started ${formatDateTime(data.startedAt)}`}
        actions={
          <>
            <Button
              component="a"
              // Same origin as the dashboard (the session cookie goes along), whatever PUBLIC_URL says.
              href={sameOriginPath(data.downloadUrl)}
              variant="default"
              disabled={live}
              leftSection={<IconDownload size={16} aria-hidden />}
              aria-label={`Download the recording of ${label} as MP4`}
            >
              Download
            </Button>
            <Button
              color="red"
              variant="light"
              leftSection={<IconTrash size={16} aria-hidden />}
              disabled={live}
              title={live ? 'The stream is still live; stop it first.' : undefined}
              onClick={() => setDeleteOpen(true)}
            >
              Delete
            </Button>
          </>
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="lg">
            <VodPlayer src={sameOriginPath(data.playbackUrl)} label={`Recording of ${label}`} />
            <RecordingNotice recording={data} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder padding="lg">
            <Title order={2} fz="lg" mb="md">
              Recording
            </Title>
            <StatList
              columns={2}
              stats={[
                { label: 'Status', value: status.label },
                { label: 'Duration', value: formatDuration(data.durationSeconds) },
                { label: 'Size', value: formatBytes(data.bytes) },
                { label: 'Segments', value: data.segmentCount },
                { label: 'Gaps', value: data.gaps },
                { label: 'Storage', value: STORAGE_LABELS[data.storageBackend] ?? data.storageBackend },
                { label: 'Started', value: formatDateTime(data.startedAt) },
                { label: 'Ended', value: live ? 'Still live' : formatDateTime(data.endedAt) },
              ]}
            />
            <Button component={Link} href={`/stream/?id=${data.id}`} variant="subtle" size="xs" mt="md">
              Session details
            </Button>
          </Card>
        </Grid.Col>
      </Grid>
      <DeleteRecordingModal
        opened={deleteOpen}
        label={label}
        pending={remove.isPending}
        error={remove.error}
        onClose={() => !remove.isPending && setDeleteOpen(false)}
        onConfirm={() => remove.mutate()}
      />
    </>
  );
}

/** Why a recording may be shorter than the stream, or that it is still growing. */
function RecordingNotice({ recording }: { recording: Recording }) {
  if (recording.status === 'recording') {
    return (
      <Alert color="blue" title="Still recording" role="status">
        The stream is live; this recording grows until it ends. Download and delete work once it has ended.
      </Alert>
    );
  }
  if (recording.gaps === 0 && recording.status !== 'incomplete') return null;
  const reasons: string[] = [];
  if (recording.gaps > 0)
    reasons.push(
      `${recording.gaps} segment${recording.gaps === 1 ? '' : 's'} could not be stored, so playback skips over ${recording.gaps === 1 ? 'that part' : 'those parts'}.`,
    );
  if (recording.status === 'incomplete')
    reasons.push('The recording was not finished cleanly (for example the server stopped while the stream was live).');
  return (
    <Alert
      color="orange"
      title="This recording may be shorter than the stream"
      icon={<IconAlertTriangle aria-hidden />}
      data-recording-warning
    >
      {reasons.join(' ')}
    </Alert>
  );
}

function DetailSkeleton() {
  return (
    <Stack gap="lg" role="status" aria-label="Loading the recording">
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
        Loading the recording…
      </Text>
    </Stack>
  );
}
