'use client';

import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from './api';

export type User = Schemas['UserDto'];

/** Every user (admins only: the API refuses everybody else, so the query does not run for them). */
export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/users', { signal })),
    enabled,
    staleTime: 30_000,
  });
}

export function userLabel(user: { displayName: string | null; email: string }): string {
  return user.displayName ? `${user.displayName} (${user.email})` : user.email;
}
