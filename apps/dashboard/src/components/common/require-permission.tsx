'use client';

import { EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Scope } from '@/lib/api';
import { can, rolesHolding, type Capability } from '@/lib/roles';
import { useMe, useRoles } from '../shell/me-context';

/** Renders its children to users who hold `permission`, and tells everyone else which roles do. */
export function RequirePermission({ permission, children }: { permission: Scope | Capability; children: ReactNode }) {
  const me = useMe();
  const roles = useRoles();
  if (can(me, permission)) return children;
  const needed = rolesHolding(roles, permission).map((r) => r.label.toLowerCase());
  return (
    <EmptyState
      mt="xl"
      icon={<IconLock aria-hidden />}
      withIndicatorBackground
      title="You do not have access to this page"
      description={`It needs the ${needed.join(' or ')} role. Ask an admin if you need it.`}
    />
  );
}
