'use client';

import {
  Alert,
  Anchor,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconBroadcast, IconClock, IconInfoCircle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, call, describeError, formatWait, isApiError } from '@/lib/api';
import { safeNextPath } from '@/lib/safe-next';
import { hasSessionCookie } from '@/lib/session-cookie';

function signInError(error: unknown): { title: string; message: string; rateLimited: boolean } {
  if (isApiError(error, 401))
    return {
      title: 'Wrong e-mail or password',
      message: 'Check both and try again. Ask an admin to reset your password if you forgot it.',
      rateLimited: false,
    };
  if (isApiError(error, 429)) {
    const wait = error.problem.retryAfterSeconds;
    return {
      title: 'Too many sign-in attempts',
      message:
        typeof wait === 'number'
          ? `For your security, signing in to this account is paused. Try again in ${formatWait(wait)}, or ask an admin to reset your password.`
          : (error.problem.detail ?? 'Wait a few minutes before you try again.'),
      rateLimited: true,
    };
  }
  return { title: 'Sign-in failed', message: describeError(error), rateLimited: false };
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const next = safeNextPath(params.get('next'));
  const expired = params.get('expired') === '1';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const errorRef = useRef<HTMLDivElement>(null);

  // Already signed in (e.g. the back button): go straight on.
  useEffect(() => {
    if (hasSessionCookie() && !expired) router.replace(next);
  }, [expired, next, router]);

  const login = useMutation({
    mutationFn: () => call(api.POST('/api/v1/auth/login', { body: { email: email.trim(), password } })),
    meta: { signIn: true },
    onSuccess: () => {
      queryClient.clear();
      router.replace(next);
    },
    onError: () => {
      setPassword('');
      // Move focus to the message so screen readers announce it and keyboard users see it.
      requestAnimationFrame(() => errorRef.current?.focus());
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate();
  }

  const failure = login.error ? signInError(login.error) : null;

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }} radius="md" w="100%" maw={420}>
        <Stack gap="lg">
          <Group gap="xs">
            <IconBroadcast aria-hidden size={28} color="var(--mantine-color-red-6)" />
            <Text fw={700} size="xl">
              RapidRTMP
            </Text>
          </Group>
          <div>
            <Title order={1} fz={24}>
              Sign in
            </Title>
            <Text c="dimmed" size="sm">
              Manage live streams, stream keys and history.
            </Text>
          </div>
          {expired && !failure && (
            <Alert color="blue" icon={<IconInfoCircle aria-hidden />} title="Your session has ended">
              Sign in again to continue where you were.
            </Alert>
          )}
          {failure && (
            <Alert
              ref={errorRef}
              tabIndex={-1}
              role="alert"
              color={failure.rateLimited ? 'orange' : 'red'}
              icon={failure.rateLimited ? <IconClock aria-hidden /> : <IconAlertTriangle aria-hidden />}
              title={failure.title}
            >
              {failure.message}
            </Alert>
          )}
          <form onSubmit={submit}>
            <Stack gap="md">
              <TextInput
                label="E-mail"
                type="email"
                name="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                data-autofocus
                autoFocus
              />
              <PasswordInput
                label="Password"
                name="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              <Button type="submit" loading={login.isPending} fullWidth>
                Sign in
              </Button>
            </Stack>
          </form>
          <Text size="xs" c="dimmed">
            Automating? Use an API token with the{' '}
            <Anchor size="xs" href="/api/docs">
              REST API
            </Anchor>
            .
          </Text>
        </Stack>
      </Paper>
    </Center>
  );
}
