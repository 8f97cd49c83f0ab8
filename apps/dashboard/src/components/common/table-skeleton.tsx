import { Skeleton, Stack, VisuallyHidden } from '@mantine/core';

export function TableSkeleton({ rows = 4, label }: { rows?: number; label: string }) {
  return (
    <Stack gap="xs" role="status" aria-live="polite">
      <VisuallyHidden>{label}</VisuallyHidden>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} h={40} />
      ))}
    </Stack>
  );
}
