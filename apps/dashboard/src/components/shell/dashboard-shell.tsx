'use client';

import { AppShell, Badge, Burger, Group, NavLink, ScrollArea, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconBroadcast } from '@tabler/icons-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';
import { roleLabel } from '@/lib/roles';
import { useMe, useRoles } from './me-context';
import { isActive, navItems } from './navigation';
import { UserMenu } from './user-menu';

/** Header, role-aware navigation (a drawer behind the burger on phones) and the page. */
export function DashboardShell({ children }: { children: ReactNode }) {
  const me = useMe();
  const roles = useRoles();
  const pathname = usePathname();
  const [opened, { toggle, close }] = useDisclosure(false);
  // Below the `sm` breakpoint the navbar slides out of view; keep its links out of the tab order then.
  const phone = useMediaQuery('(max-width: 47.99em)');

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={opened ? 'Close navigation' : 'Open navigation'}
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <UnstyledButton component={Link} href="/" aria-label="RapidRTMP home" onClick={close}>
              <Group gap={6} wrap="nowrap">
                <IconBroadcast aria-hidden size={24} color="var(--mantine-color-red-6)" />
                <Text fw={700} size="lg">
                  RapidRTMP
                </Text>
              </Group>
            </UnstyledButton>
            <Badge variant="light" color="gray" visibleFrom="xs">
              {roleLabel(roles, me.role)}
            </Badge>
          </Group>
          <UserMenu />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="xs"
        id="main-navigation"
        component="nav"
        aria-label="Main navigation"
        inert={phone && !opened}
      >
        <ScrollArea>
          {navItems(me).map((item) => {
            const active = isActive(item, pathname);
            return (
              <NavLink
                key={item.href}
                component={Link}
                href={item.href}
                label={item.label}
                leftSection={<item.icon size={18} stroke={1.7} aria-hidden />}
                active={active}
                aria-current={active ? 'page' : undefined}
                onClick={close}
                variant="light"
                mb={2}
              />
            );
          })}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
