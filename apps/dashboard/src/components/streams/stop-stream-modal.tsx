'use client';

import { Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../common/error-alert';

export const BAN_OPTIONS = [
  { value: '0', label: 'No ban: the key can go live again' },
  { value: '600', label: '10 minutes' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '24 hours' },
  { value: '604800', label: '7 days' },
  { value: '2592000', label: '30 days' },
];

interface StopStreamModalProps {
  opened: boolean;
  streamLabel: string;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: (request: { banSeconds?: number; reason?: string }) => void;
}

/** The confirmation a moderator goes through before cutting a publisher off. */
export function StopStreamModal({ opened, streamLabel, pending, error, onClose, onConfirm }: StopStreamModalProps) {
  const [ban, setBan] = useState('0');
  const [reason, setReason] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    const banSeconds = Number(ban);
    onConfirm({ banSeconds: banSeconds > 0 ? banSeconds : undefined, reason: reason.trim() || undefined });
  }

  return (
    <Modal opened={opened} onClose={onClose} title={`Stop “${streamLabel}”?`} centered>
      <form onSubmit={submit}>
        <Stack gap="md">
          <Text size="sm">
            The publisher is disconnected at once and viewers see the stream end. This cannot be undone; without a ban
            the publisher can start again with the same key.
          </Text>
          <NativeSelect
            label="Also ban the stream key"
            value={ban}
            onChange={(e) => setBan(e.currentTarget.value)}
            data={BAN_OPTIONS}
          />
          <TextInput
            label="Reason"
            description="Optional. Recorded in the audit log (and with the ban)."
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {Boolean(error) && <ErrorAlert error={error} title="The stream was not stopped" />}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={pending}>
              Stop stream
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
