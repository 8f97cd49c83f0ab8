'use client';

import { createContext, useContext } from 'react';
import type { Schemas } from '@/lib/api';
import type { RoleInfo } from '@/lib/roles';

export type Me = Schemas['MeDto'];

export const MeContext = createContext<Me | null>(null);
export const RolesContext = createContext<RoleInfo[] | null>(null);

/** The signed-in user; only inside the authenticated shell. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe() outside the signed-in shell');
  return me;
}

/** Every role as the server describes it, most powerful first; only inside the authenticated shell. */
export function useRoles(): RoleInfo[] {
  const roles = useContext(RolesContext);
  if (!roles) throw new Error('useRoles() outside the signed-in shell');
  return roles;
}

export function displayName(user: { displayName: string | null; email: string }): string {
  return user.displayName?.trim() || user.email;
}
