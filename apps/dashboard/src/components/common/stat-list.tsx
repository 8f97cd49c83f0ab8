import { Text } from '@mantine/core';
import type { ReactNode } from 'react';
import classes from './stat-list.module.css';

export interface Stat {
  label: string;
  value: ReactNode;
}

/** Label/value pairs as a description list, in a responsive grid. */
export function StatList({ stats, columns = 3 }: { stats: Stat[]; columns?: 2 | 3 }) {
  return (
    <dl className={classes.list} data-columns={columns}>
      {stats.map((stat) => (
        <div key={stat.label} className={classes.item}>
          <Text component="dt" size="xs" c="dimmed">
            {stat.label}
          </Text>
          <Text component="dd" size="sm" fw={600} className={classes.value}>
            {stat.value}
          </Text>
        </div>
      ))}
    </dl>
  );
}
