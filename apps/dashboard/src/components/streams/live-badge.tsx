import { Badge } from '@mantine/core';
import classes from './live-badge.module.css';

export function LiveBadge({ size = 'sm' }: { size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge color="red" variant="filled" size={size} leftSection={<span className={classes.dot} aria-hidden />}>
      Live
    </Badge>
  );
}
