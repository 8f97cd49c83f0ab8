import { Button, EmptyState } from '@mantine/core';
import { IconQuestionMark } from '@tabler/icons-react';
import Link from 'next/link';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids travel in the query string (one exported page serves them all); anything else is not found. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** What a detail page shows for an id that does not exist or is not visible, with a way back. */
export function NotFoundState({
  title,
  description,
  backHref,
  backLabel,
}: {
  title: string;
  description: string;
  backHref: string;
  backLabel: string;
}) {
  return (
    <EmptyState
      mt="xl"
      icon={<IconQuestionMark aria-hidden />}
      withIndicatorBackground
      title={title}
      description={description}
    >
      <EmptyState.Actions>
        <Button component={Link} href={backHref} variant="light">
          {backLabel}
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}
