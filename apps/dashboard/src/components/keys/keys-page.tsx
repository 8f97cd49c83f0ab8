'use client';

import { Button, Code, EmptyState, Group, Select, Switch, Table, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Schemas } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { can } from '@/lib/roles';
import { userLabel, useUsers } from '@/lib/use-users';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { TableSkeleton } from '../common/table-skeleton';
import { displayName, useMe } from '../shell/me-context';
import { BanKeyModal } from './ban-key-modal';
import { CreateKeyModal } from './create-key-modal';
import { KeyActions } from './key-actions';
import { KeySecretModal } from './key-secret-modal';
import { KeyStatus, sortKeys } from './key-status';

type StreamKey = Schemas['StreamKeyDto'];
type CreatedKey = Schemas['CreatedStreamKeyDto'];

export function KeysPage() {
  const me = useMe();
  const everyone = can(me, 'others:read');
  // The owner filter and the new key's owner list the users, which needs managing them.
  const listsUsers = can(me, 'users:admin');
  const pickOwner = everyone && listsUsers;
  const issueForOthers = can(me, 'others:write') && listsUsers;
  const queryClient = useQueryClient();
  const [ownerFilter, setOwnerFilter] = useState<string | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<CreatedKey | null>(null);
  const [banning, setBanning] = useState<StreamKey | null>(null);
  const users = useUsers(listsUsers);
  const keys = useQuery({
    queryKey: ['stream-keys', ownerFilter],
    queryFn: ({ signal }) =>
      call(api.GET('/api/v1/stream-keys', { params: { query: ownerFilter ? { userId: ownerFilter } : {} }, signal })),
  });
  const ban = useMutation({
    mutationFn: (request: { id: string; seconds: number; reason?: string }) =>
      call(
        api.POST('/api/v1/stream-keys/{id}/ban', {
          params: { path: { id: request.id } },
          body: { seconds: request.seconds, reason: request.reason },
        }),
      ),
    onSuccess: (key) => {
      setBanning(null);
      ban.reset();
      void queryClient.invalidateQueries({ queryKey: ['stream-keys'] });
      notifications.show({
        color: 'teal',
        message: `“${key.label}” is banned until ${formatDateTime(key.bannedUntil)}.`,
      });
    },
  });

  const ownerNames = new Map((users.data ?? []).map((u) => [u.id, displayName(u)]));
  const ownerName = (id: string) => (id === me.id ? 'You' : (ownerNames.get(id) ?? `User ${id.slice(0, 8)}`));
  const visible = sortKeys((keys.data ?? []).filter((k) => showRevoked || !k.revokedAt));
  const revokedCount = (keys.data ?? []).filter((k) => k.revokedAt).length;
  const canCreate = can(me, 'keys:write');
  const showOwner = everyone;

  return (
    <>
      <PageHeader
        title="Stream keys"
        description={
          !everyone
            ? 'Your keys for OBS or ffmpeg. Each key has its own public playback link.'
            : 'Stream keys of every user. Secrets are never shown again after creation.'
        }
        actions={
          canCreate && (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
              New stream key
            </Button>
          )
        }
      />
      {(pickOwner || revokedCount > 0) && (
        <Group mb="md" gap="lg" align="flex-end">
          {pickOwner && (
            <Select
              label="Owner"
              placeholder="All users"
              data={(users.data ?? []).map((u) => ({ value: u.id, label: userLabel(u) }))}
              value={ownerFilter}
              onChange={setOwnerFilter}
              searchable
              clearable
              nothingFoundMessage="No such user"
              w={{ base: '100%', xs: 320 }}
            />
          )}
          {revokedCount > 0 && (
            <Switch
              label={`Show revoked keys (${revokedCount})`}
              checked={showRevoked}
              onChange={(e) => setShowRevoked(e.currentTarget.checked)}
              mb={6}
            />
          )}
        </Group>
      )}
      {keys.error && (
        <ErrorAlert error={keys.error} title="Could not load stream keys" onRetry={() => void keys.refetch()} />
      )}
      {keys.isPending && <TableSkeleton label="Loading stream keys" />}
      {keys.data && visible.length === 0 && (
        <EmptyState
          mt="xl"
          icon={<IconKey aria-hidden />}
          withIndicatorBackground
          title={ownerFilter ? 'This user has no stream keys' : 'No stream keys yet'}
          description={
            canCreate
              ? 'Create a key, paste the server and key into OBS (Settings → Stream), and go live.'
              : 'Publishers create their keys; they show up here.'
          }
        >
          {canCreate && (
            <EmptyState.Actions>
              <Button
                variant="light"
                leftSection={<IconPlus size={16} aria-hidden />}
                onClick={() => setCreating(true)}
              >
                New stream key
              </Button>
            </EmptyState.Actions>
          )}
        </EmptyState>
      )}
      {visible.length > 0 && (
        <Table.ScrollContainer minWidth={760} className="fit-phone">
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Caption>
              {visible.length} key{visible.length === 1 ? '' : 's'}
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Label</Table.Th>
                {showOwner && <Table.Th visibleFrom="sm">Owner</Table.Th>}
                <Table.Th visibleFrom="sm">Key</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th visibleFrom="sm">Last used</Table.Th>
                <Table.Th visibleFrom="sm">Created</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visible.map((key) => (
                <Table.Tr key={key.id} data-key-id={key.id} opacity={key.revokedAt ? 0.6 : 1}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {key.label}
                    </Text>
                    {showOwner && (
                      <Text size="xs" c="dimmed" hiddenFrom="sm">
                        {ownerName(key.ownerId)}
                      </Text>
                    )}
                    {key.signedPlayback && (
                      <Text size="xs" c="dimmed">
                        Signed playback
                      </Text>
                    )}
                  </Table.Td>
                  {showOwner && <Table.Td visibleFrom="sm">{ownerName(key.ownerId)}</Table.Td>}
                  <Table.Td visibleFrom="sm">
                    <Tooltip label="Only the beginning of the key is stored in readable form" withArrow>
                      <Code tabIndex={0}>{key.keyPrefix}…</Code>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <KeyStatus streamKey={key} />
                  </Table.Td>
                  <Table.Td className="nowrap" visibleFrom="sm">
                    {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'}
                  </Table.Td>
                  <Table.Td className="nowrap" visibleFrom="sm">
                    {formatDateTime(key.createdAt)}
                  </Table.Td>
                  <Table.Td>
                    <KeyActions streamKey={key} onRegenerated={setSecret} onBan={setBanning} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateKeyModal
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setSecret(created);
        }}
        users={issueForOthers ? users.data : undefined}
        defaultOwnerId={ownerFilter}
      />
      <KeySecretModal created={secret} onClose={() => setSecret(null)} />
      <BanKeyModal
        keyLabel={banning?.label ?? null}
        pending={ban.isPending}
        error={ban.error}
        onClose={() => {
          setBanning(null);
          ban.reset();
        }}
        onConfirm={(request) => banning && ban.mutate({ id: banning.id, ...request })}
      />
    </>
  );
}
