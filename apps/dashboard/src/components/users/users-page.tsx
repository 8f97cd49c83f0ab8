'use client';

import { Badge, Button, Group, Menu, ActionIcon, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { IconDots, IconKey, IconLock, IconLockOpen, IconUserPlus } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, describeError, type Role } from '@/lib/api';
import { formatDateTime } from '@/lib/format';
import { pickerOrder, roleLabel } from '@/lib/roles';
import { useUsers, type User } from '@/lib/use-users';
import { ErrorAlert } from '../common/error-alert';
import { PageHeader } from '../common/page-header';
import { TableSkeleton } from '../common/table-skeleton';
import { displayName, useMe, useRoles } from '../shell/me-context';
import { CreateUserModal } from './create-user-modal';
import { ResetPasswordModal } from './reset-password-modal';

export function UsersPage() {
  const me = useMe();
  const roles = pickerOrder(useRoles());
  const queryClient = useQueryClient();
  const users = useUsers(true);
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<User | null>(null);

  const update = useMutation({
    mutationFn: ({ id, change }: { id: string; change: { role?: Role; disabled?: boolean }; name: string }) =>
      call(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: change })),
    onSuccess: (user, { change, name }) => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      const message =
        change.role !== undefined
          ? `${name} is now ${roleLabel(roles, user.role).toLowerCase()}.`
          : user.disabled
            ? `${name} is disabled: signed out, live streams stopped.`
            : `${name} can sign in again.`;
      notifications.show({ color: 'teal', message });
    },
    onError: (error) =>
      notifications.show({ color: 'red', title: 'The user was not changed', message: describeError(error) }),
  });

  const changeRole = (user: User, role: Role) =>
    modals.openConfirmModal({
      title: `Make ${displayName(user)} ${roleLabel(roles, role).toLowerCase()}?`,
      children: <Text size="sm">They are signed out and sign in again with the new role.</Text>,
      labels: { confirm: 'Change role', cancel: 'Cancel' },
      onConfirm: () => update.mutate({ id: user.id, change: { role }, name: displayName(user) }),
    });
  const setDisabled = (user: User, disabled: boolean) =>
    disabled
      ? modals.openConfirmModal({
          title: `Disable ${displayName(user)}?`,
          children: (
            <Text size="sm">
              They are signed out everywhere, their live streams stop and their stream keys are refused until you enable
              them again.
            </Text>
          ),
          labels: { confirm: 'Disable user', cancel: 'Cancel' },
          confirmProps: { color: 'red' },
          onConfirm: () => update.mutate({ id: user.id, change: { disabled: true }, name: displayName(user) }),
        })
      : update.mutate({ id: user.id, change: { disabled: false }, name: displayName(user) });

  const sorted = [...(users.data ?? [])].sort((a, b) => displayName(a).localeCompare(displayName(b)));

  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in, and what they may do."
        actions={
          <Button leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            New user
          </Button>
        }
      />
      {users.error && (
        <ErrorAlert error={users.error} title="Could not load users" onRetry={() => void users.refetch()} />
      )}
      {users.isPending && <TableSkeleton label="Loading users" />}
      {users.data && (
        <Table.ScrollContainer minWidth={720} className="fit-phone">
          <Table verticalSpacing="sm" highlightOnHover>
            <Table.Caption>
              {sorted.length} user{sorted.length === 1 ? '' : 's'}
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th visibleFrom="sm">Status</Table.Th>
                <Table.Th visibleFrom="sm">Created</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">Actions</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((user) => {
                const self = user.id === me.id;
                const name = displayName(user);
                return (
                  <Table.Tr key={user.id} data-user-email={user.email}>
                    <Table.Td>
                      <Stack gap={0}>
                        <Text size="sm" fw={600}>
                          {name}
                          {self && (
                            <Text span c="dimmed" size="xs" fw={400}>
                              {' '}
                              (you)
                            </Text>
                          )}
                        </Text>
                        {user.displayName && (
                          <Text size="xs" c="dimmed">
                            {user.email}
                          </Text>
                        )}
                        {user.disabled && (
                          <Badge color="red" variant="light" size="sm" hiddenFrom="sm" w="fit-content">
                            Disabled
                          </Badge>
                        )}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <NativeSelect
                        aria-label={`Role of ${name}`}
                        size="xs"
                        w={{ base: 120, sm: 140 }}
                        value={user.role}
                        disabled={self || update.isPending}
                        title={self ? 'You cannot change your own role' : undefined}
                        data={roles.map((r) => ({ value: r.name, label: r.label }))}
                        onChange={(e) => changeRole(user, e.currentTarget.value as Role)}
                      />
                    </Table.Td>
                    <Table.Td visibleFrom="sm">
                      {user.disabled ? (
                        <Badge color="red" variant="light">
                          Disabled
                        </Badge>
                      ) : (
                        <Badge color="teal" variant="light">
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td className="nowrap" visibleFrom="sm">
                      {formatDateTime(user.createdAt)}
                    </Table.Td>
                    <Table.Td>
                      <Group justify="flex-end">
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${name}`}>
                              <IconDots size={16} aria-hidden />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item
                              leftSection={<IconKey size={16} aria-hidden />}
                              onClick={() => setResetting(user)}
                            >
                              Reset password…
                            </Menu.Item>
                            {!self &&
                              (user.disabled ? (
                                <Menu.Item
                                  leftSection={<IconLockOpen size={16} aria-hidden />}
                                  onClick={() => setDisabled(user, false)}
                                >
                                  Enable
                                </Menu.Item>
                              ) : (
                                <Menu.Item
                                  color="red"
                                  leftSection={<IconLock size={16} aria-hidden />}
                                  onClick={() => setDisabled(user, true)}
                                >
                                  Disable…
                                </Menu.Item>
                              ))}
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateUserModal opened={creating} onClose={() => setCreating(false)} />
      <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
    </>
  );
}
