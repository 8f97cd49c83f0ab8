'use client';

import { Avatar, Badge, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconLogout } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { api, call } from '@/lib/api';
import { roleLabel } from '@/lib/roles';
import { displayName, useMe, useRoles } from './me-context';

function initials(name: string): string {
  const parts = name
    .replace(/@.*/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  return (parts[0]?.[0] ?? '?').toUpperCase() + (parts[1]?.[0] ?? '').toUpperCase();
}

export function UserMenu() {
  const me = useMe();
  const roles = useRoles();
  const router = useRouter();
  const queryClient = useQueryClient();
  const name = displayName(me);
  const logout = useMutation({
    // A session that already ended still counts as signed out.
    mutationFn: () => call(api.POST('/api/v1/auth/logout')).catch(() => undefined),
    meta: { signIn: true },
    onSettled: () => {
      queryClient.clear();
      router.replace('/login/');
    },
  });

  return (
    <Menu position="bottom-end" width={240} withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`Account: ${name}`}>
          <Group gap={6} wrap="nowrap">
            <Avatar size="sm" color="indigo" radius="xl" aria-hidden>
              {initials(name)}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" maw={180} truncate>
              {name}
            </Text>
            <IconChevronDown size={14} aria-hidden />
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)" truncate>
            {name}
          </Text>
          <Text size="xs" truncate>
            {me.email}
          </Text>
          <Badge mt={6} size="sm" variant="light">
            {roleLabel(roles, me.role)}
          </Badge>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} aria-hidden />} onClick={() => logout.mutate()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
