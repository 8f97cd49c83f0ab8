'use client';

import { Button, Group, PasswordInput, Stack, Switch, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { Schemas } from '@/lib/api';
import { ErrorAlert } from '../common/error-alert';

type PushTarget = Schemas['PushTargetDto'];
export type PushTargetInput = Schemas['CreatePushTargetDto'];

interface PushTargetFormProps {
  /** The target being edited; a new one without. */
  editing?: PushTarget;
  pending: boolean;
  error: unknown;
  onSubmit: (input: Partial<PushTargetInput>) => void;
  onCancel: () => void;
}

/** Adds or edits a target. The stream key is write-only: an edit sends it only when a new one is typed. */
export function PushTargetForm({ editing, pending, error, onSubmit, onCancel }: PushTargetFormProps) {
  const [label, setLabel] = useState(editing?.label ?? '');
  const [url, setUrl] = useState(editing?.url ?? '');
  const [streamKey, setStreamKey] = useState('');
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const urlProblem = url.trim() === '' || /^rtmps?:\/\//i.test(url.trim()) ? null : 'Starts with rtmp:// or rtmps://';

  function submit(event: FormEvent) {
    event.preventDefault();
    const input: Partial<PushTargetInput> = { label: label.trim(), url: url.trim(), enabled };
    if (streamKey !== '') input.streamKey = streamKey.trim();
    onSubmit(input);
  }

  return (
    <form onSubmit={submit} aria-label={editing ? `Edit ${editing.label}` : 'New restream target'}>
      <Stack gap="md">
        <TextInput
          label="Label"
          description="What the target is, e.g. “YouTube” or “Twitch”."
          required
          maxLength={100}
          value={label}
          onChange={(e) => setLabel(e.currentTarget.value)}
          data-autofocus
        />
        <TextInput
          label="Server URL"
          description="The ingest URL the service gives you, without the stream key."
          placeholder="rtmp://a.rtmp.youtube.com/live2"
          required
          maxLength={2048}
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          error={urlProblem}
          autoComplete="off"
          spellCheck={false}
        />
        <PasswordInput
          label="Stream key"
          description={
            editing
              ? `Stored encrypted and never shown (${editing.streamKeyHint}). Leave empty to keep it.`
              : 'Stored encrypted; it is never shown again.'
          }
          required={!editing}
          maxLength={1024}
          value={streamKey}
          onChange={(e) => setStreamKey(e.currentTarget.value)}
          autoComplete="off"
        />
        <Switch
          label="Push while the key is live"
          checked={enabled}
          onChange={(e) => setEnabled(e.currentTarget.checked)}
        />
        {Boolean(error) && (
          <ErrorAlert error={error} title={editing ? 'The target was not saved' : 'The target was not added'} />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button
            type="submit"
            loading={pending}
            disabled={label.trim() === '' || url.trim() === '' || urlProblem !== null || (!editing && streamKey === '')}
          >
            {editing ? 'Save' : 'Add target'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
