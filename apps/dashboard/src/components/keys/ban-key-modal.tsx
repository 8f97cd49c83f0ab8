'use client';

import { Button, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { ErrorAlert } from '../common/error-alert';
import { BAN_OPTIONS } from '../streams/stop-stream-modal';

const DURATIONS = BAN_OPTIONS.filter((o) => o.value !== '0');

interface BanKeyModalProps {
  keyLabel: string | null;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: (request: { seconds: number; reason?: string }) => void;
}

export function BanKeyModal({ keyLabel, pending, error, onClose, onConfirm }: BanKeyModalProps) {
  const [seconds, setSeconds] = useState('3600');
  const [reason, setReason] = useState('');

  function submit(event: FormEvent) {
    event.preventDefault();
    onConfirm({ seconds: Number(seconds), reason: reason.trim() || undefined });
  }

  return (
    <Modal opened={keyLabel !== null} onClose={onClose} title={`Ban “${keyLabel ?? ''}”?`} centered>
      <form onSubmit={submit}>
        <Stack gap="md">
          <Text size="sm">Publishing with this key is refused until the ban ends. A stream live on it stops now.</Text>
          <NativeSelect
            label="Ban for"
            value={seconds}
            onChange={(e) => setSeconds(e.currentTarget.value)}
            data={DURATIONS}
          />
          <TextInput
            label="Reason"
            description="Optional. Shown with the ban and kept in the audit log."
            maxLength={500}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
          />
          {Boolean(error) && <ErrorAlert error={error} title="The key was not banned" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={pending}>
              Ban key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
