'use client';

import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { describeError } from '@/lib/api';

export function FullPageLoader({ label }: { label: string }) {
  return (
    <Center mih="100vh" role="status" aria-live="polite">
      <Stack align="center" gap="sm">
        <Loader aria-hidden />
        <Text c="dimmed">{label}</Text>
      </Stack>
    </Center>
  );
}

export function FullPageError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  return (
    <Center mih="100vh" p="md">
      <Alert color="red" title="The dashboard could not load" icon={<IconAlertTriangle />} maw={480}>
        <Stack gap="sm">
          <Text size="sm">{describeError(error)}</Text>
          <Button variant="light" color="red" onClick={onRetry} w="fit-content">
            Try again
          </Button>
        </Stack>
      </Alert>
    </Center>
  );
}
