'use client';

import { EmptyState } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import type { Role } from '@/lib/api';
import { ROLE_LABELS } from '@/lib/roles';
import { useMe } from '../shell/me-context';

/** Renders its children for the given roles only, and says why to everyone else. */
export function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const me = useMe();
  if (roles.includes(me.role)) return children;
  return (
    <EmptyState
      mt="xl"
      icon={<IconLock aria-hidden />}
      withIndicatorBackground
      title="You do not have access to this page"
      description={`It needs the ${roles.map((r) => ROLE_LABELS[r].toLowerCase()).join(' or ')} role. Ask an admin if you need it.`}
    />
  );
}
