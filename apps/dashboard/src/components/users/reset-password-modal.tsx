'use client';

import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '@/lib/api';
import type { User } from '@/lib/use-users';
import { ErrorAlert } from '../common/error-alert';
import { displayName } from '../shell/me-context';
import { MIN_PASSWORD } from './password';
import { NewPasswordField } from './password-field';

export function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const [password, setPassword] = useState('');
  const reset = useMutation({
    mutationFn: (id: string) =>
      call(api.POST('/api/v1/users/{id}/password', { params: { path: { id } }, body: { password } })),
    onSuccess: () => {
      notifications.show({ color: 'teal', message: `${user ? displayName(user) : 'The user'} has a new password.` });
      close();
    },
  });
  function close() {
    setPassword('');
    reset.reset();
    onClose();
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    if (user) reset.mutate(user.id);
  }

  return (
    <Modal
      opened={user !== null}
      onClose={close}
      title={`Reset the password of ${user ? displayName(user) : ''}`}
      centered
    >
      <form onSubmit={submit}>
        <Stack gap="md">
          <Text size="sm">They are signed out everywhere and sign in with the new password.</Text>
          <NewPasswordField label="New password" value={password} onChange={setPassword} />
          {Boolean(reset.error) && <ErrorAlert error={reset.error} title="The password was not changed" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={reset.isPending} disabled={password.length < MIN_PASSWORD}>
              Set password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
