'use client';

import { ActionIcon, Badge, Button, Card, EmptyState, Group, Menu, Stack, Switch, Table, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconDots, IconPlus, IconSend, IconTrash, IconWebhook, IconWebhookOff } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, describeError, isApiError, type Schemas } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { TableSkeleton } from '../common/table-skeleton';
import { CreateWebhookModal } from './create-webhook-modal';
import { DeliveriesTable } from './deliveries-table';

type Webhook = Schemas['WebhookDto'];

export function WebhooksPage() {
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const endpoints = useQuery({
    queryKey: ['webhooks'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/webhooks', { signal })),
  });
  // A server without the webhook API answers 404: say so instead of failing.
  const unsupported = isApiError(endpoints.error, 404);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  const toggle = useMutation({
    mutationFn: (endpoint: Webhook) =>
      call(
        api.PATCH('/api/v1/webhooks/{id}', {
          params: { path: { id: endpoint.id } },
          body: { enabled: !endpoint.enabled },
        }),
      ),
    onSuccess: (endpoint) => {
      void refresh();
      notifications.show({
        color: 'teal',
        message: `${endpoint.url} is ${endpoint.enabled ? 'enabled' : 'disabled'}.`,
      });
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Not changed', message: describeError(error) }),
  });
  const remove = useMutation({
    mutationFn: (endpoint: Webhook) =>
      call(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id: endpoint.id } } })),
    onSuccess: (_r, endpoint) => {
      if (selectedId === endpoint.id) setSelectedId(null);
      void refresh();
      notifications.show({ color: 'teal', message: `${endpoint.url} no longer receives events.` });
    },
    onError: (error) => notifications.show({ color: 'red', title: 'Not deleted', message: describeError(error) }),
  });
  const sendTest = useMutation({
    mutationFn: (endpoint: Webhook) =>
      call(api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: endpoint.id } } })),
    onSuccess: (_r, endpoint) => {
      setSelectedId(endpoint.id);
      notifications.show({ color: 'teal', message: 'Test event queued: follow it in the deliveries below.' });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'No test event sent', message: describeError(error) }),
  });
  const confirmDelete = (endpoint: Webhook) =>
    modals.openConfirmModal({
      title: 'Delete this endpoint?',
      children: (
        <Text size="sm" className="break-all">
          {endpoint.url} stops receiving events and its delivery log is deleted.
        </Text>
      ),
      labels: { confirm: 'Delete endpoint', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => remove.mutate(endpoint),
    });
  const list = endpoints.data ?? [];
  const selected = list.find((e) => e.id === selectedId) ?? null;

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Signed HTTP callbacks when streams start, end or are stopped."
        actions={
          !unsupported && (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              New endpoint
            </Button>
          )
        }
      />
      {unsupported && (
        <EmptyState
          mt="xl"
          icon={<IconWebhookOff aria-hidden />}
          withIndicatorBackground
          title="Webhooks are not available on this server"
          description="This server version has no webhook API yet. Update RapidRTMP to send events to your systems."
        />
      )}
      {endpoints.error && !unsupported && (
        <ErrorAlert error={endpoints.error} title="Could not load webhooks" onRetry={() => void endpoints.refetch()} />
      )}
      {endpoints.isPending && <TableSkeleton label="Loading webhook endpoints" rows={3} />}
      {endpoints.data && list.length === 0 && (
        <EmptyState
          mt="xl"
          icon={<IconWebhook aria-hidden />}
          withIndicatorBackground
          title="No webhook endpoints"
          description="Add an endpoint to have stream events POSTed to your chat bot, CMS or automation."
        />
      )}
      {list.length > 0 && (
        <Stack gap="lg">
          <Table.ScrollContainer minWidth={760} className="fit-phone">
            <Table verticalSpacing="sm" highlightOnHover>
              <Table.Caption>
                {list.length} endpoint{list.length === 1 ? '' : 's'}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Endpoint</Table.Th>
                  <Table.Th visibleFrom="sm">Events</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th visibleFrom="sm">Created</Table.Th>
                  <Table.Th>
                    <span className="visually-hidden">Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((endpoint) => (
                  <Table.Tr
                    key={endpoint.id}
                    bg={endpoint.id === selectedId ? 'var(--mantine-primary-color-light)' : undefined}
                  >
                    <Table.Td maw={360}>
                      <Text size="sm" fw={600} className="break-all">
                        {endpoint.url}
                      </Text>
                      {endpoint.description && (
                        <Text size="xs" c="dimmed">
                          {endpoint.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Group gap={4}>
                        {endpoint.events.length === 0 ? (
                          <Badge variant="outline" size="sm" tt="none">
                            all events
                          </Badge>
                        ) : (
                          endpoint.events.map((event) => (
                            <Badge key={event} variant="outline" size="sm" tt="none">
                              {event}
                            </Badge>
                          ))
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={`Send events to ${endpoint.url}`}
                        checked={endpoint.enabled}
                        disabled={toggle.isPending}
                        onChange={() => toggle.mutate(endpoint)}
                      />
                    </Table.Td>
                    <Table.Td className="nowrap" visibleFrom="sm">
                      {formatDateTime(endpoint.createdAt)}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant={endpoint.id === selectedId ? 'filled' : 'light'}
                          aria-pressed={endpoint.id === selectedId}
                          onClick={() => setSelectedId(endpoint.id === selectedId ? null : endpoint.id)}
                        >
                          Deliveries
                        </Button>
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${endpoint.url}`}>
                              <IconDots size={16} aria-hidden />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item
                              leftSection={<IconSend size={16} aria-hidden />}
                              disabled={!endpoint.enabled}
                              onClick={() => sendTest.mutate(endpoint)}
                            >
                              Send a test event
                            </Menu.Item>
                            <Menu.Item
                              color="red"
                              leftSection={<IconTrash size={16} aria-hidden />}
                              onClick={() => confirmDelete(endpoint)}
                            >
                              Delete…
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {selected && (
            <Card withBorder padding="lg">
              <DeliveriesTable endpoint={selected} />
            </Card>
          )}
        </Stack>
      )}
      <CreateWebhookModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
