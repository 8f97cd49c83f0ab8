import type { Metadata } from 'next';
import { RequirePermission } from '@/components/common/require-permission';
import { TokensPage } from '@/components/tokens/tokens-page';

export const metadata: Metadata = { title: 'API tokens' };

export default function Page() {
  return (
    <RequirePermission permission="tokens:write">
      <TokensPage />
    </RequirePermission>
  );
}
