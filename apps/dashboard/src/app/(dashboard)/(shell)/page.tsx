import type { Metadata } from 'next';
import { LiveStreamsPage } from '@/components/streams/live-streams-page';

export const metadata: Metadata = { title: 'Live streams' };

export default function Page() {
  return <LiveStreamsPage />;
}
