'use client';

import { ActionIcon, Button, Code, Group, Modal, Paper, Skeleton, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, describeError, type Schemas } from '@/lib/api';
import { ErrorAlert } from '../common/error-alert';
import { PushStateBadge } from './push-state-badge';
import { PushStatusLine } from './push-status-line';
import { PushTargetForm, type PushTargetInput } from './push-target-form';

type StreamKey = Schemas['StreamKeyDto'];
type PushTarget = Schemas['PushTargetDto'];

/** The API's bound on targets per key. */
const MAX_TARGETS = 10;

interface RestreamModalProps {
  streamKey: StreamKey;
  opened: boolean;
  onClose: () => void;
  /** Owners and admins add, edit, switch and delete targets; others who see the key only look. */
  canManage: boolean;
}

/**
 * A key's restream targets: where its live stream is pushed (YouTube, Twitch, another server), how each push
 * is doing (polled while open), and, for those who manage the key, adding, editing, switching and deleting.
 */
export function RestreamModal({ streamKey: key, opened, onClose, canManage }: RestreamModalProps) {
  const phone = useMediaQuery('(max-width: 36em)');
  const queryClient = useQueryClient();
  const [form, setForm] = useState<{ editing?: PushTarget } | null>(null);
  const queryKey = ['push-targets', key.id];
  const targets = useQuery({
    queryKey,
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/stream-keys/{id}/push-targets', { params: { path: { id: key.id } }, signal })),
    enabled: opened,
    refetchInterval: opened ? 3000 : false,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey });
  const failed = (title: string) => (error: unknown) =>
    notifications.show({ color: 'red', title, message: describeError(error) });

  const save = useMutation({
    mutationFn: (input: Partial<PushTargetInput>) =>
      form?.editing
        ? call(
            api.PATCH('/api/v1/stream-keys/{id}/push-targets/{targetId}', {
              params: { path: { id: key.id, targetId: form.editing.id } },
              body: input,
            }),
          )
        : call(
            api.POST('/api/v1/stream-keys/{id}/push-targets', {
              params: { path: { id: key.id } },
              body: input as PushTargetInput,
            }),
          ),
    onSuccess: (target) => {
      void refresh();
      setForm(null);
      save.reset();
      notifications.show({ color: 'teal', message: `“${target.label}” is saved.` });
    },
  });
  const toggle = useMutation({
    mutationFn: (target: PushTarget) =>
      call(
        api.PATCH('/api/v1/stream-keys/{id}/push-targets/{targetId}', {
          params: { path: { id: key.id, targetId: target.id } },
          body: { enabled: !target.enabled },
        }),
      ),
    onSuccess: () => void refresh(),
    onError: failed('The target was not switched'),
  });
  const remove = useMutation({
    mutationFn: (target: PushTarget) =>
      call(
        api.DELETE('/api/v1/stream-keys/{id}/push-targets/{targetId}', {
          params: { path: { id: key.id, targetId: target.id } },
        }),
      ),
    onSuccess: () => void refresh(),
    onError: failed('The target was not deleted'),
  });
  const confirmDelete = (target: PushTarget) =>
    modals.openConfirmModal({
      title: `Delete “${target.label}”?`,
      children: <Text size="sm">A push to it stops now. Its stream key is deleted with it.</Text>,
      labels: { confirm: 'Delete target', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(target),
    });

  const list = targets.data ?? [];
  const close = () => {
    setForm(null);
    save.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={`Restream “${key.label}”`} size="lg" fullScreen={phone} centered>
      {form ? (
        <PushTargetForm
          key={form.editing?.id ?? 'new'}
          editing={form.editing}
          pending={save.isPending}
          error={save.error}
          onSubmit={(input) => save.mutate(input)}
          onCancel={() => {
            setForm(null);
            save.reset();
          }}
        />
      ) : (
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            While this key is live, the server also publishes its stream to each target below, from the latest keyframe
            on, and reconnects when a target drops.
          </Text>
          {targets.error && (
            <ErrorAlert
              error={targets.error}
              title="Could not load the targets"
              onRetry={() => void targets.refetch()}
            />
          )}
          {targets.isPending && <Skeleton h={72} />}
          {targets.data && list.length === 0 && (
            <Text size="sm">No targets yet{canManage ? ': add the server URL and stream key of a service.' : '.'}</Text>
          )}
          {list.map((target) => (
            <Paper key={target.id} withBorder p="sm" radius="md" data-push-target={target.label}>
              <Group justify="space-between" wrap="nowrap" align="flex-start" gap="xs">
                <Stack gap={2} style={{ minWidth: 0 }}>
                  <Group gap="xs" wrap="wrap">
                    <Text fw={600} size="sm">
                      {target.label}
                    </Text>
                    <PushStateBadge status={target.status} />
                  </Group>
                  <Text size="xs" style={{ overflowWrap: 'anywhere' }}>
                    <Code>{target.url}</Code> · key <Code>{target.streamKeyHint}</Code>
                  </Text>
                  <PushStatusLine status={target.status} />
                </Stack>
                {canManage && (
                  <Group gap={4} wrap="nowrap">
                    <Tooltip label={target.enabled ? 'Pushing while live' : 'Switched off'} withArrow>
                      <Switch
                        aria-label={`Push to ${target.label}`}
                        checked={target.enabled}
                        disabled={toggle.isPending}
                        onChange={() => toggle.mutate(target)}
                        size="sm"
                      />
                    </Tooltip>
                    <ActionIcon
                      variant="subtle"
                      color="gray"
                      aria-label={`Edit ${target.label}`}
                      onClick={() => setForm({ editing: target })}
                    >
                      <IconPencil size={16} aria-hidden />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={`Delete ${target.label}`}
                      onClick={() => confirmDelete(target)}
                    >
                      <IconTrash size={16} aria-hidden />
                    </ActionIcon>
                  </Group>
                )}
              </Group>
            </Paper>
          ))}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              {list.length} of {MAX_TARGETS} targets
            </Text>
            <Group gap="xs">
              <Button variant="default" onClick={close}>
                Close
              </Button>
              {canManage && (
                <Button
                  leftSection={<IconPlus size={16} aria-hidden />}
                  onClick={() => setForm({})}
                  disabled={list.length >= MAX_TARGETS}
                >
                  Add target
                </Button>
              )}
            </Group>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
