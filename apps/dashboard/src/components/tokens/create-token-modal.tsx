'use client';

import { Alert, Button, Checkbox, Code, Group, Modal, NativeSelect, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, type Schemas, type Scope } from '@/lib/api';
import { SCOPE_DESCRIPTIONS } from '@/lib/roles';
import { CopyField } from '../common/copy-field';
import { ErrorAlert } from '../common/error-alert';
import { useMe } from '../shell/me-context';

const EXPIRY = [
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' },
  { value: 'never', label: 'Never' },
  { value: 'custom', label: 'On a date…' },
];

function expiresAt(choice: string, customDate: string): string | undefined {
  if (choice === 'never') return undefined;
  if (choice === 'custom') return customDate ? new Date(`${customDate}T23:59:59`).toISOString() : undefined;
  return new Date(Date.now() + Number(choice) * 86_400_000).toISOString();
}

export function CreateTokenModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const me = useMe();
  const queryClient = useQueryClient();
  // A token can hold what its owner's role allows; the session's scopes are exactly that.
  const available = me.scopes.filter((s): s is Scope => s in SCOPE_DESCRIPTIONS);
  const [label, setLabel] = useState('');
  const [scopes, setScopes] = useState<string[]>(['streams:read']);
  const [expiry, setExpiry] = useState('90');
  const [customDate, setCustomDate] = useState('');
  const [created, setCreated] = useState<Schemas['CreatedApiTokenDto'] | null>(null);

  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/api-tokens', {
          body: { label: label.trim(), scopes: scopes as Scope[], expiresAt: expiresAt(expiry, customDate) },
        }),
      ),
    onSuccess: (token) => {
      setCreated(token);
      void queryClient.invalidateQueries({ queryKey: ['api-tokens'] });
    },
  });

  function close() {
    setLabel('');
    setScopes(['streams:read']);
    setExpiry('90');
    setCustomDate('');
    setCreated(null);
    create.reset();
    onClose();
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? `API token “${created.label}”` : 'New API token'}
      centered
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />} title="Copy the token now">
            It is shown only this once. Store it in your secret manager; revoke it here if it leaks.
          </Alert>
          <CopyField label="Token" value={created.token} />
          <Text size="sm">
            Send it as <Code>Authorization: Bearer {created.tokenPrefix}…</Code> with every request.
          </Text>
          <CopyField
            label="Example"
            multiline
            value={`curl -H "Authorization: Bearer ${created.token}" ${window.location.origin}/api/v1/streams/live`}
          />
          <Group justify="flex-end">
            <Button onClick={close}>I have copied the token</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="md">
            <TextInput
              label="Label"
              description="What uses this token, e.g. “CI publisher automation”."
              required
              maxLength={100}
              value={label}
              onChange={(e) => setLabel(e.currentTarget.value)}
              data-autofocus
            />
            <Checkbox.Group
              label="Scopes"
              description="Grant only what the integration needs."
              value={scopes}
              onChange={setScopes}
              required
              error={scopes.length === 0 ? 'Pick at least one scope.' : undefined}
            >
              <Stack gap={8} mt="xs">
                {available.map((scope) => (
                  <Checkbox key={scope} value={scope} label={scope} description={SCOPE_DESCRIPTIONS[scope]} />
                ))}
              </Stack>
            </Checkbox.Group>
            <NativeSelect
              label="Expires"
              value={expiry}
              onChange={(e) => setExpiry(e.currentTarget.value)}
              data={EXPIRY}
            />
            {expiry === 'custom' && (
              <TextInput
                label="Expiry date"
                type="date"
                required
                min={tomorrow}
                value={customDate}
                onChange={(e) => setCustomDate(e.currentTarget.value)}
              />
            )}
            {Boolean(create.error) && <ErrorAlert error={create.error} title="The token was not created" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button
                type="submit"
                loading={create.isPending}
                disabled={!label.trim() || scopes.length === 0 || (expiry === 'custom' && !customDate)}
              >
                Create token
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
