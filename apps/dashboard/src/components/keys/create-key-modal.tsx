'use client';

import { Button, Group, Modal, Select, Stack, Switch, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '@/lib/api';
import { userLabel, type User } from '@/lib/use-users';
import { ErrorAlert } from '../common/error-alert';
import { useMe } from '../shell/me-context';

interface CreateKeyModalProps {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: Schemas['CreatedStreamKeyDto']) => void;
  /** Admins: who the key can be for, and who is preselected. */
  users?: User[];
  defaultOwnerId?: string | null;
}

export function CreateKeyModal({ opened, onClose, onCreated, users, defaultOwnerId }: CreateKeyModalProps) {
  const me = useMe();
  const queryClient = useQueryClient();
  const [label, setLabel] = useState('');
  const [signedPlayback, setSignedPlayback] = useState(false);
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const owner = ownerId ?? defaultOwnerId ?? me.id;

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/stream-keys', {
          body: { label: label.trim(), signedPlayback, ...(owner !== me.id ? { userId: owner } : {}) },
        }),
      ),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: ['stream-keys'] });
      setLabel('');
      setSignedPlayback(false);
      setOwnerId(null);
      create.reset();
      onCreated(created);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <Modal opened={opened} onClose={onClose} title="New stream key" centered>
      <form onSubmit={submit}>
        <Stack gap="md">
          {users && (
            <Select
              label="Owner"
              description="Who streams with this key."
              data={users.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: userLabel(u) }))}
              value={owner}
              onChange={setOwnerId}
              searchable
              allowDeselect={false}
              nothingFoundMessage="No such user"
              comboboxProps={{ withinPortal: true }}
            />
          )}
          <TextInput
            label="Label"
            description="What the key is for, e.g. “studio” or “mobile”."
            required
            maxLength={100}
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            data-autofocus
          />
          <Switch
            label="Signed playback"
            description="Players need a short-lived token in the URL (for private streams)."
            checked={signedPlayback}
            onChange={(e) => setSignedPlayback(e.currentTarget.checked)}
          />
          {Boolean(create.error) && <ErrorAlert error={create.error} title="The key was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={label.trim() === ''}>
              Create key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
