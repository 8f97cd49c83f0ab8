'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { api, call, isApiError } from '@/lib/api';
import { hasSessionCookie } from '@/lib/session-cookie';
import { FullPageError, FullPageLoader } from '../common/full-page';
import { MeContext, RolesContext } from './me-context';

/**
 * Renders its children for a signed-in user, with who they are and the role table the pages derive what
 * to show from; everyone else goes to the sign-in page.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const router = useRouter();
  // Unknown until mounted: the static HTML is the same for everybody.
  const [signedIn, setSignedIn] = useState<boolean | null>(null);
  useEffect(() => setSignedIn(hasSessionCookie()), []);
  const me = useQuery({
    queryKey: ['me'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/me', { signal })),
    enabled: signedIn === true,
    staleTime: 60_000,
  });
  const roles = useQuery({
    queryKey: ['roles'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/roles', { signal })),
    enabled: signedIn === true,
    staleTime: Infinity,
  });
  const anonymous = signedIn === false || isApiError(me.error, 401) || isApiError(roles.error, 401);
  const error = me.error ?? roles.error;

  useEffect(() => {
    if (!anonymous) return;
    const next = window.location.pathname + window.location.search;
    router.replace(next === '/' ? '/login/' : `/login/?next=${encodeURIComponent(next)}`);
  }, [anonymous, router]);

  if (me.data && roles.data)
    return (
      <MeContext value={me.data}>
        <RolesContext value={roles.data}>{children}</RolesContext>
      </MeContext>
    );
  if (error && !anonymous)
    return (
      <FullPageError
        error={error}
        onRetry={() => {
          if (me.error) void me.refetch();
          if (roles.error) void roles.refetch();
        }}
      />
    );
  return <FullPageLoader label={anonymous ? 'Redirecting to sign-in…' : 'Loading your dashboard…'} />;
}
