'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { api, call, isApiError } from '@/lib/api';
import { hasSessionCookie } from '@/lib/session-cookie';
import { FullPageError, FullPageLoader } from '../common/full-page';
import { MeContext } from './me-context';

/** Renders its children for a signed-in user; everyone else goes to the sign-in page. */
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
  const anonymous = signedIn === false || isApiError(me.error, 401);

  useEffect(() => {
    if (!anonymous) return;
    const next = window.location.pathname + window.location.search;
    router.replace(next === '/' ? '/login/' : `/login/?next=${encodeURIComponent(next)}`);
  }, [anonymous, router]);

  if (me.data) return <MeContext value={me.data}>{children}</MeContext>;
  if (me.error && !anonymous) return <FullPageError error={me.error} onRetry={() => void me.refetch()} />;
  return <FullPageLoader label={anonymous ? 'Redirecting to sign-in…' : 'Loading your dashboard…'} />;
}
