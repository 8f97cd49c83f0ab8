import type { Metadata } from 'next';
import { RequirePermission } from '@/components/common/require-permission';
import { HistoryPage } from '@/components/history/history-page';

export const metadata: Metadata = { title: 'History' };

export default function Page() {
  return (
    <RequirePermission permission="sessions:read">
      <HistoryPage />
    </RequirePermission>
  );
}
