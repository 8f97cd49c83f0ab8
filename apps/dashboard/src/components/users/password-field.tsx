'use client';

import { Button, Group, PasswordInput } from '@mantine/core';
import { CopyButton } from '../common/copy-button';
import { generatePassword, MIN_PASSWORD, passwordProblem } from './password';

/** A new password for somebody else: typed, or generated and copied to hand over. */
export function NewPasswordField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <PasswordInput
        label={label}
        description={`At least ${MIN_PASSWORD} characters. Hand it over safely; it is not shown again.`}
        required
        minLength={MIN_PASSWORD}
        autoComplete="new-password"
        value={value}
        onChange={(e) => onChange(e.currentTarget.value)}
        error={passwordProblem(value)}
      />
      <Group gap="xs" mt={6}>
        <Button size="compact-sm" variant="light" onClick={() => onChange(generatePassword())}>
          Generate a password
        </Button>
        {value && <CopyButton value={value} label="Copy the password" />}
      </Group>
    </div>
  );
}
