'use client';

import { createContext, useContext } from 'react';
import type { Schemas } from '@/lib/api';

export type Me = Schemas['MeDto'];

export const MeContext = createContext<Me | null>(null);

/** The signed-in user; only inside the authenticated shell. */
export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe() outside the signed-in shell');
  return me;
}

export function displayName(user: { displayName: string | null; email: string }): string {
  return user.displayName?.trim() || user.email;
}
