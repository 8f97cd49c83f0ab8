import type { Metadata } from 'next';
import { RequireRole } from '@/components/common/require-role';
import { WebhooksPage } from '@/components/webhooks/webhooks-page';

export const metadata: Metadata = { title: 'Webhooks' };

export default function Page() {
  return (
    <RequireRole roles={['admin']}>
      <WebhooksPage />
    </RequireRole>
  );
}
