'use client';

import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { ErrorAlert } from '../common/error-alert';

interface DeleteRecordingModalProps {
  opened: boolean;
  label: string;
  pending: boolean;
  error: unknown;
  onClose: () => void;
  onConfirm: () => void;
}

/** The confirmation before a recording's video files are removed for good. */
export function DeleteRecordingModal({ opened, label, pending, error, onClose, onConfirm }: DeleteRecordingModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={`Delete the recording of “${label}”?`} centered>
      <Stack gap="md">
        <Text size="sm">
          The video is removed from storage and can no longer be played or downloaded. The session stays in the history.
          This cannot be undone.
        </Text>
        {Boolean(error) && <ErrorAlert error={error} title="The recording was not deleted" />}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm}>
            Delete recording
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
