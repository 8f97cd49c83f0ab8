'use client';

import { Button, NativeSelect, Paper, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconFilter } from '@tabler/icons-react';
import type { EndReason, Schemas } from '@/lib/api';
import { END_REASON_LABELS, END_REASONS } from '@/lib/end-reasons';
import { userLabel, type User } from '@/lib/use-users';
import classes from './history-filters.module.css';

export interface HistoryFilter {
  userId: string | null;
  streamKeyId: string | null;
  /** `datetime-local` values (local time), empty when unset. */
  from: string;
  to: string;
  endReason: EndReason | '';
}

export const NO_FILTER: HistoryFilter = { userId: null, streamKeyId: null, from: '', to: '', endReason: '' };

interface HistoryFiltersProps {
  value: HistoryFilter;
  onChange: (value: HistoryFilter) => void;
  /** Admins filter by user. */
  users?: User[];
  keys: Schemas['StreamKeyDto'][];
}

export function HistoryFilters({ value, onChange, users, keys }: HistoryFiltersProps) {
  const set = <K extends keyof HistoryFilter>(key: K, v: HistoryFilter[K]) => onChange({ ...value, [key]: v });
  const active = JSON.stringify(value) !== JSON.stringify(NO_FILTER);
  // Phones start with the filters folded away: the sessions matter more than four empty fields.
  const [open, { toggle }] = useDisclosure(false);
  return (
    <Paper
      withBorder
      p="md"
      mb="lg"
      component="form"
      role="search"
      aria-label="Filter stream history"
      onSubmit={(e) => e.preventDefault()}
    >
      <Button
        hiddenFrom="sm"
        variant="subtle"
        size="compact-sm"
        onClick={toggle}
        aria-expanded={open}
        aria-controls="history-filter-fields"
        leftSection={<IconFilter size={14} aria-hidden />}
      >
        {open ? 'Hide filters' : active ? 'Filters (on)' : 'Filters'}
      </Button>
      <SimpleGrid
        id="history-filter-fields"
        className={classes.fields}
        data-open={open}
        cols={{ base: 1, xs: 2, md: users ? 5 : 4 }}
        spacing="sm"
        verticalSpacing="sm"
      >
        {users && (
          <Select
            label="User"
            placeholder="Everyone"
            data={users.map((u) => ({ value: u.id, label: userLabel(u) }))}
            value={value.userId}
            onChange={(v) => onChange({ ...value, userId: v, streamKeyId: null })}
            searchable
            clearable
            nothingFoundMessage="No such user"
          />
        )}
        <Select
          label="Stream key"
          placeholder="Any key"
          data={keys
            .filter((k) => !value.userId || k.ownerId === value.userId)
            .map((k) => ({ value: k.id, label: `${k.label} (${k.keyPrefix}…)` }))}
          value={value.streamKeyId}
          onChange={(v) => set('streamKeyId', v)}
          searchable
          clearable
          nothingFoundMessage="No such key"
        />
        <TextInput
          label="Started after"
          type="datetime-local"
          value={value.from}
          onChange={(e) => set('from', e.currentTarget.value)}
        />
        <TextInput
          label="Started before"
          type="datetime-local"
          value={value.to}
          onChange={(e) => set('to', e.currentTarget.value)}
        />
        <NativeSelect
          label="End reason"
          value={value.endReason}
          onChange={(e) => set('endReason', e.currentTarget.value as EndReason | '')}
          data={[{ value: '', label: 'Any' }, ...END_REASONS.map((r) => ({ value: r, label: END_REASON_LABELS[r] }))]}
        />
      </SimpleGrid>
      {active && (
        <Button variant="subtle" size="compact-sm" mt="sm" onClick={() => onChange(NO_FILTER)}>
          Clear filters
        </Button>
      )}
    </Paper>
  );
}
