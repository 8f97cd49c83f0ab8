import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RecordingPage } from '@/components/recordings/recording-page';

export const metadata: Metadata = { title: 'Recording' };

export default function Page() {
  return (
    <Suspense>
      <RecordingPage />
    </Suspense>
  );
}
