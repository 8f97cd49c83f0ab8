'use client';

import { ActionIcon, Group, Menu, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import {
  IconBan,
  IconBroadcast,
  IconCode,
  IconDots,
  IconKeyOff,
  IconLink,
  IconLockOpen,
  IconRefresh,
  IconShieldLock,
} from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, describeError, type Schemas } from '@/lib/api';
import { can } from '@/lib/roles';
import { copyText } from '../common/clipboard';
import { RestreamModal } from '../restream/restream-modal';
import { CopyButton } from '../common/copy-button';
import { useMe } from '../shell/me-context';
import { embedCode } from './embed-code';
import { isBanned } from './key-status';

type StreamKey = Schemas['StreamKeyDto'];
type CreatedKey = Schemas['CreatedStreamKeyDto'];

interface KeyActionsProps {
  streamKey: StreamKey;
  onRegenerated: (created: CreatedKey) => void;
  onBan: (key: StreamKey) => void;
}

async function copyAndSay(text: string, what: string) {
  if (await copyText(text)) notifications.show({ color: 'teal', message: `${what} copied to the clipboard.` });
  else notifications.show({ color: 'red', title: 'Could not copy', message: 'Your browser blocked the clipboard.' });
}

/** What can be done with one key, by role: owners and admins manage it, staff ban it, anyone copies links. */
export function KeyActions({ streamKey: key, onRegenerated, onBan }: KeyActionsProps) {
  const me = useMe();
  const queryClient = useQueryClient();
  const canManage = can(me, 'others:write') || (can(me, 'keys:write') && key.ownerId === me.id);
  const staff = can(me, 'streams:write');
  const revoked = key.revokedAt !== null;
  const [restreaming, setRestreaming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['stream-keys'] });
  const failed = (title: string) => (error: unknown) =>
    notifications.show({ color: 'red', title, message: describeError(error) });

  const regenerate = useMutation({
    mutationFn: () => call(api.POST('/api/v1/stream-keys/{id}/regenerate', { params: { path: { id: key.id } } })),
    onSuccess: (created) => {
      void refresh();
      onRegenerated(created);
    },
    onError: failed('The key was not regenerated'),
  });
  const revoke = useMutation({
    mutationFn: () => call(api.POST('/api/v1/stream-keys/{id}/revoke', { params: { path: { id: key.id } } })),
    onSuccess: () => {
      void refresh();
      notifications.show({ color: 'teal', message: `“${key.label}” is revoked.` });
    },
    onError: failed('The key was not revoked'),
  });
  const unban = useMutation({
    mutationFn: () => call(api.DELETE('/api/v1/stream-keys/{id}/ban', { params: { path: { id: key.id } } })),
    onSuccess: () => {
      void refresh();
      notifications.show({ color: 'teal', message: `The ban on “${key.label}” is lifted.` });
    },
    onError: failed('The ban was not lifted'),
  });
  const signedLink = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/stream-keys/{id}/playback-token', {
          params: { path: { id: key.id } },
          body: { ttlSeconds: 3600 },
        }),
      ),
    onSuccess: (token) =>
      void copyAndSay(`${key.embedUrl}?token=${encodeURIComponent(token.token)}`, 'A player link valid for 1 hour'),
    onError: failed('No signed link'),
  });

  const confirmRegenerate = () =>
    modals.openConfirmModal({
      title: `Regenerate “${key.label}”?`,
      children: (
        <Text size="sm">
          The current secret stops working at once and a live stream on it stops. The playback link stays the same;
          paste the new key into OBS.
        </Text>
      ),
      labels: { confirm: 'Regenerate', cancel: 'Cancel' },
      confirmProps: { color: 'orange' },
      onConfirm: () => regenerate.mutate(),
    });
  const confirmRevoke = () =>
    modals.openConfirmModal({
      title: `Revoke “${key.label}”?`,
      children: (
        <Text size="sm">The key stops working for good and a live stream on it stops now. This cannot be undone.</Text>
      ),
      labels: { confirm: 'Revoke key', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(),
    });

  return (
    <Group gap={4} wrap="nowrap" justify="flex-end">
      <CopyButton
        value={embedCode(key.embedUrl, `${key.label} live stream`)}
        label={`Copy embed code of ${key.label}`}
      />
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${key.label}`}>
            <IconDots size={16} aria-hidden />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item
            leftSection={<IconCode size={16} aria-hidden />}
            onClick={() => void copyAndSay(embedCode(key.embedUrl, `${key.label} live stream`), 'Embed code')}
          >
            Copy embed code
          </Menu.Item>
          <Menu.Item
            leftSection={<IconLink size={16} aria-hidden />}
            onClick={() => void copyAndSay(key.playbackUrl, 'Playback URL')}
          >
            Copy HLS playback URL
          </Menu.Item>
          {key.signedPlayback && !revoked && (
            <Menu.Item leftSection={<IconShieldLock size={16} aria-hidden />} onClick={() => signedLink.mutate()}>
              Copy signed player link (1 hour)
            </Menu.Item>
          )}
          {!revoked && (
            <Menu.Item leftSection={<IconBroadcast size={16} aria-hidden />} onClick={() => setRestreaming(true)}>
              Restream…
            </Menu.Item>
          )}
          {(canManage || staff) && !revoked && <Menu.Divider />}
          {canManage && !revoked && (
            <Menu.Item leftSection={<IconRefresh size={16} aria-hidden />} onClick={confirmRegenerate}>
              Regenerate secret…
            </Menu.Item>
          )}
          {staff && !revoked && !isBanned(key) && (
            <Menu.Item leftSection={<IconBan size={16} aria-hidden />} onClick={() => onBan(key)}>
              Ban…
            </Menu.Item>
          )}
          {staff && !revoked && isBanned(key) && (
            <Menu.Item leftSection={<IconLockOpen size={16} aria-hidden />} onClick={() => unban.mutate()}>
              Lift ban
            </Menu.Item>
          )}
          {canManage && !revoked && (
            <Menu.Item color="red" leftSection={<IconKeyOff size={16} aria-hidden />} onClick={confirmRevoke}>
              Revoke…
            </Menu.Item>
          )}
        </Menu.Dropdown>
      </Menu>
      <RestreamModal streamKey={key} opened={restreaming} onClose={() => setRestreaming(false)} canManage={canManage} />
    </Group>
  );
}
