import type { Metadata } from 'next';
import { RequirePermission } from '@/components/common/require-permission';
import { LiveStreamsPage } from '@/components/streams/live-streams-page';

export const metadata: Metadata = { title: 'Live streams' };

export default function Page() {
  return (
    <RequirePermission permission="streams:read">
      <LiveStreamsPage />
    </RequirePermission>
  );
}
