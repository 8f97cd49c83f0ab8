'use client';

import { Textarea, TextInput } from '@mantine/core';
import { CopyButton } from './copy-button';

interface CopyFieldProps {
  label: string;
  value: string;
  description?: string;
  /** Long values (commands, embed code) wrap over several lines. */
  multiline?: boolean;
}

/** A read-only field with a copy button: secrets, URLs, commands. */
export function CopyField({ label, value, description, multiline }: CopyFieldProps) {
  const copy = <CopyButton value={value} label={`Copy ${label.toLowerCase()}`} />;
  const common = {
    label,
    description,
    value,
    readOnly: true,
    rightSection: copy,
    rightSectionPointerEvents: 'all' as const,
    styles: { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } },
    onFocus: (event: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => event.currentTarget.select(),
  };
  return multiline ? <Textarea {...common} autosize minRows={2} maxRows={8} /> : <TextInput {...common} />;
}
