import type { Metadata } from 'next';
import { Suspense } from 'react';
import { StreamDetailPage } from '@/components/streams/stream-detail-page';

export const metadata: Metadata = { title: 'Stream' };

export default function Page() {
  return (
    <Suspense>
      <StreamDetailPage />
    </Suspense>
  );
}
