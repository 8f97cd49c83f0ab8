'use client';

import { Button, Group, Modal, Radio, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, type Role } from '@/lib/api';
import { pickerOrder, roleLabel } from '@/lib/roles';
import { ErrorAlert } from '../common/error-alert';
import { useRoles } from '../shell/me-context';
import { MIN_PASSWORD } from './password';
import { NewPasswordField } from './password-field';

export function CreateUserModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const roles = pickerOrder(useRoles());
  // New users start with the least powerful role.
  const leastPowerful: Role = roles[0]?.name ?? 'publisher'; // the server always lists its roles
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>(leastPowerful);
  const [password, setPassword] = useState('');

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/users', {
          body: {
            email: email.trim(),
            password,
            role,
            ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
          },
        }),
      ),
    onSuccess: (user) => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      notifications.show({
        color: 'teal',
        message: `${user.displayName ?? user.email} can now sign in as ${roleLabel(roles, user.role).toLowerCase()}.`,
      });
      setDisplayName('');
      setEmail('');
      setRole(leastPowerful);
      setPassword('');
      create.reset();
      onClose();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <Modal opened={opened} onClose={onClose} title="New user" centered size="md">
      <form onSubmit={submit}>
        <Stack gap="md">
          <TextInput
            label="Name"
            description="Shown in the dashboard and stream history."
            maxLength={200}
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput
            label="E-mail"
            description="They sign in with it."
            type="email"
            required
            maxLength={320}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <Radio.Group label="Role" value={role} onChange={(value) => setRole(value)} required>
            <Stack gap="xs" mt={6}>
              {roles.map((r) => (
                <Radio key={r.name} value={r.name} label={r.label} description={r.description} />
              ))}
            </Stack>
          </Radio.Group>
          <NewPasswordField label="Initial password" value={password} onChange={setPassword} />
          {Boolean(create.error) && <ErrorAlert error={create.error} title="The user was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!email.trim() || password.length < MIN_PASSWORD}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
