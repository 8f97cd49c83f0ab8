'use client';

import { Alert, Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '@/lib/api';
import { CopyField } from '../common/copy-field';
import { ErrorAlert } from '../common/error-alert';

type WebhookEvent = Schemas['WebhookDto']['events'][number];

export const EVENT_DESCRIPTIONS: Record<WebhookEvent, string> = {
  'stream.started': 'A publisher went live',
  'stream.ended': 'A stream ended (any reason)',
  'stream.stopped': 'A moderator stopped a stream',
  'restream.failed': 'A restream target stopped receiving a live stream',
  'restream.recovered': 'A failed restream target is receiving again',
};
const WEBHOOK_EVENTS = Object.keys(EVENT_DESCRIPTIONS) as WebhookEvent[];

export function CreateWebhookModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [created, setCreated] = useState<Schemas['CreatedWebhookDto'] | null>(null);
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/webhooks', {
          body: {
            url: url.trim(),
            ...(description.trim() ? { description: description.trim() } : {}),
            ...(events.length ? { events: events as WebhookEvent[] } : {}),
          },
        }),
      ),
    onSuccess: (endpoint) => {
      setCreated(endpoint);
      void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
    },
  });

  function close() {
    setUrl('');
    setDescription('');
    setEvents([]);
    setCreated(null);
    create.reset();
    onClose();
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Webhook endpoint added' : 'New webhook endpoint'}
      centered
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack gap="md">
          <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />} title="Copy the signing secret now">
            It is shown only this once. Your receiver uses it to check the <code>webhook-signature</code> header of
            every delivery.
          </Alert>
          <CopyField label="Signing secret" value={created.secret} />
          <Text size="sm" c="dimmed" className="break-all">
            Events go to {created.url}
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied the secret</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit}>
          <Stack gap="md">
            <TextInput
              label="URL"
              description="Events are POSTed here as JSON (http or https)."
              type="url"
              required
              placeholder="https://hooks.example.com/rapidrtmp"
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              data-autofocus
            />
            <TextInput
              label="Description"
              description="Optional: what the endpoint is for."
              maxLength={500}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <Checkbox.Group
              label="Events"
              description="None ticked means all events."
              value={events}
              onChange={setEvents}
            >
              <Stack gap={8} mt="xs">
                {WEBHOOK_EVENTS.map((event) => (
                  <Checkbox key={event} value={event} label={event} description={EVENT_DESCRIPTIONS[event]} />
                ))}
              </Stack>
            </Checkbox.Group>
            {Boolean(create.error) && <ErrorAlert error={create.error} title="The endpoint was not added" />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={!url.trim()}>
                Add endpoint
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
