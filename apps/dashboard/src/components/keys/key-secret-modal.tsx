'use client';

import { Alert, Button, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { Schemas } from '@/lib/api';
import { CopyField } from '../common/copy-field';
import { embedCode } from './embed-code';

type CreatedKey = Schemas['CreatedStreamKeyDto'];

/**
 * The one time a stream key's secret is on screen: OBS settings exactly as OBS names them (the RTMPS
 * server first when the server has RTMPS on), the ffmpeg command line, and the playback and embed links.
 */
export function KeySecretModal({ created, onClose }: { created: CreatedKey | null; onClose: () => void }) {
  return (
    <Modal
      opened={created !== null}
      onClose={onClose}
      title={created ? `Stream key “${created.label}”` : ''}
      size="lg"
      closeOnClickOutside={false}
      centered
    >
      {created && (
        <Stack gap="md">
          <Alert color="yellow" icon={<IconAlertTriangle aria-hidden />} title="Copy the stream key now">
            It is shown only this once. If it gets lost or leaks, regenerate the key: the playback link stays the same.
          </Alert>
          <section aria-labelledby="obs-settings">
            <Title order={3} fz="md" id="obs-settings">
              OBS: Settings → Stream
            </Title>
            <Text size="sm" c="dimmed" mb="xs">
              Service: Custom…, then paste Server and Stream Key.
            </Text>
            <Stack gap="sm">
              {created.rtmpsUrl ? (
                <>
                  <CopyField label="Server" value={created.rtmpsUrl} description="RTMPS: the stream is encrypted." />
                  <CopyField
                    label="Server without TLS"
                    value={created.obs.server}
                    description="Plain RTMP, for encoders that cannot do RTMPS (not encrypted)."
                  />
                </>
              ) : (
                <CopyField label="Server" value={created.obs.server} />
              )}
              <CopyField label="Stream Key" value={created.obs.streamKey} />
            </Stack>
          </section>
          <section aria-labelledby="ffmpeg-command">
            <Title order={3} fz="md" id="ffmpeg-command" mb="xs">
              ffmpeg
            </Title>
            <CopyField label="Command line" value={created.ffmpegCommand} multiline />
          </section>
          <section aria-labelledby="playback-links">
            <Title order={3} fz="md" id="playback-links" mb="xs">
              Playback
            </Title>
            <Stack gap="sm">
              <CopyField
                label="HLS playback URL"
                value={created.playbackUrl}
                description={
                  created.signedPlayback ? 'Signed playback: players need a ?token= from the key menu.' : undefined
                }
              />
              <CopyField
                label="Embed code"
                value={embedCode(created.embedUrl, `${created.label} live stream`)}
                multiline
              />
            </Stack>
          </section>
          <Group justify="flex-end">
            <Button onClick={onClose}>I have copied the key</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
