import type { ReactNode } from 'react';
import { AuthGate } from '@/components/shell/auth-gate';
import { DashboardShell } from '@/components/shell/dashboard-shell';

export default function ShellLayout({ children }: { children: ReactNode }) {
  return (
    <AuthGate>
      <DashboardShell>{children}</DashboardShell>
    </AuthGate>
  );
}
