'use client';

import { Badge, Button, Code, EmptyState, Group, Table, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconPlugConnected, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, describeError, type Schemas } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { TableSkeleton } from '../common/table-skeleton';
import { CreateTokenModal } from './create-token-modal';

type Token = Schemas['ApiTokenDto'];

function tokenState(token: Token): { label: string; color: string; usable: boolean } {
  if (token.revokedAt) return { label: 'Revoked', color: 'gray', usable: false };
  if (token.expiresAt && new Date(token.expiresAt).getTime() <= Date.now())
    return { label: 'Expired', color: 'orange', usable: false };
  return { label: 'Active', color: 'teal', usable: true };
}

export function TokensPage() {
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const tokens = useQuery({
    queryKey: ['api-tokens'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/api-tokens', { signal })),
  });
  const revoke = useMutation({
    mutationFn: (token: Token) => call(api.DELETE('/api/v1/api-tokens/{id}', { params: { path: { id: token.id } } })),
    onSuccess: (_result, token) => {
      void queryClient.invalidateQueries({ queryKey: ['api-tokens'] });
      notifications.show({ color: 'teal', message: `“${token.label}” is revoked and stops working at once.` });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'The token was not revoked', message: describeError(error) }),
  });
  const confirmRevoke = (token: Token) =>
    modals.openConfirmModal({
      title: `Revoke “${token.label}”?`,
      children: <Text size="sm">Anything using this token gets 401 from its next request on.</Text>,
      labels: { confirm: 'Revoke token', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(token),
    });

  return (
    <>
      <PageHeader
        title="API tokens"
        description="For scripts and integrations that call the REST API on your behalf. Scoped, and shown only once."
        actions={
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            New API token
          </Button>
        }
      />
      {tokens.error && (
        <ErrorAlert error={tokens.error} title="Could not load API tokens" onRetry={() => void tokens.refetch()} />
      )}
      {tokens.isPending && <TableSkeleton label="Loading API tokens" />}
      {tokens.data?.length === 0 && (
        <EmptyState
          mt="xl"
          icon={<IconPlugConnected aria-hidden />}
          withIndicatorBackground
          title="No API tokens"
          description="Create one to drive RapidRTMP from a script; the API is documented at /api/docs."
        />
      )}
      {tokens.data && tokens.data.length > 0 && (
        <Table.ScrollContainer minWidth={820} className="fit-phone">
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Caption>
              {tokens.data.length} token{tokens.data.length === 1 ? '' : 's'}
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Label</Table.Th>
                <Table.Th visibleFrom="sm">Token</Table.Th>
                <Table.Th visibleFrom="sm">Scopes</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th visibleFrom="sm">Expires</Table.Th>
                <Table.Th visibleFrom="sm">Last used</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {tokens.data.map((token) => {
                const state = tokenState(token);
                return (
                  <Table.Tr key={token.id} opacity={state.usable ? 1 : 0.6}>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {token.label}
                      </Text>
                      <Text size="xs" c="dimmed">
                        Created {formatDateTime(token.createdAt)}
                      </Text>
                      <Text size="xs" c="dimmed" hiddenFrom="sm">
                        {token.scopes.join(', ')}
                      </Text>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Code>{token.tokenPrefix}…</Code>
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Group gap={4}>
                        {token.scopes.map((scope) => (
                          <Badge key={scope} variant="outline" size="sm" tt="none">
                            {scope}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={state.color} variant="light">
                        {state.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td className="nowrap" visibleFrom="sm">
                      {token.expiresAt ? formatDateTime(token.expiresAt) : 'Never'}
                    </Table.Td>
                    <Table.Td className="nowrap" visibleFrom="sm">
                      {token.lastUsedAt ? formatDateTime(token.lastUsedAt) : 'Never'}
                    </Table.Td>
                    <Table.Td>
                      {state.usable && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => confirmRevoke(token)}
                          aria-label={`Revoke ${token.label}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
