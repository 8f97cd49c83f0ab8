import type { Metadata } from 'next';
import { RequirePermission } from '@/components/common/require-permission';
import { KeysPage } from '@/components/keys/keys-page';

export const metadata: Metadata = { title: 'Stream keys' };

export default function Page() {
  return (
    <RequirePermission permission="keys:read">
      <KeysPage />
    </RequirePermission>
  );
}
