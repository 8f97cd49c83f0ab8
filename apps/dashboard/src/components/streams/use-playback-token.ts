'use client';

import { useQuery } from '@tanstack/react-query';
import { api, call } from '@/lib/api';

/**
 * A playback token for a stream key with signed playback (valid an hour, renewed before it runs out),
 * shared by every component asking for the same key; nothing is asked while `enabled` is false.
 */
export function usePlaybackToken(streamKeyId: string | null | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['playback-token', streamKeyId],
    queryFn: () =>
      call(
        api.POST('/api/v1/stream-keys/{id}/playback-token', {
          params: { path: { id: streamKeyId ?? '' } },
          body: { ttlSeconds: 3600 },
        }),
      ),
    enabled: enabled && Boolean(streamKeyId),
    staleTime: 50 * 60_000,
  });
}
