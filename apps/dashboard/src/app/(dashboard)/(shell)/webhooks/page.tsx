import type { Metadata } from 'next';
import { RequirePermission } from '@/components/common/require-permission';
import { WebhooksPage } from '@/components/webhooks/webhooks-page';

export const metadata: Metadata = { title: 'Webhooks' };

export default function Page() {
  return (
    <RequirePermission permission="webhooks:admin">
      <WebhooksPage />
    </RequirePermission>
  );
}
