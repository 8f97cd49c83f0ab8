import type { Metadata } from 'next';
import { RequirePermission } from '@/components/common/require-permission';
import { UsersPage } from '@/components/users/users-page';

export const metadata: Metadata = { title: 'Users' };

export default function Page() {
  return (
    <RequirePermission permission="users:admin">
      <UsersPage />
    </RequirePermission>
  );
}
