'use client';

import { ActionIcon, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { copyText } from './clipboard';

/** An icon button that copies `value`; says "Copied" to sighted and screen-reader users alike. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    if (await copyText(value)) setCopied(true);
    else
      notifications.show({
        color: 'red',
        title: 'Could not copy',
        message: 'Your browser blocked the clipboard. Select the text and copy it by hand.',
      });
  }

  return (
    <>
      <Tooltip label={copied ? 'Copied' : label} withArrow>
        <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} aria-label={label} onClick={() => void copy()}>
          {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
        </ActionIcon>
      </Tooltip>
      <VisuallyHidden aria-live="polite">{copied ? 'Copied to the clipboard' : ''}</VisuallyHidden>
    </>
  );
}
