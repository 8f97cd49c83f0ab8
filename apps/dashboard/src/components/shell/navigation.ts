import {
  IconBroadcast,
  IconHistory,
  IconKey,
  IconPlugConnected,
  IconUsers,
  IconWebhook,
  type Icon,
} from '@tabler/icons-react';
import type { Role } from '@/lib/api';

export interface NavItem {
  href: string;
  label: string;
  icon: Icon;
  /** Roles that see the item; every role when absent. */
  roles?: Role[];
}

/**
 * Publishers: their live streams, keys, history and API tokens. Moderators see every live stream on the
 * same page (the API answers by role). Admins also manage users and webhooks.
 */
export function navItems(role: Role): NavItem[] {
  const items: NavItem[] = [
    { href: '/', label: role === 'publisher' ? 'My live streams' : 'Live streams', icon: IconBroadcast },
    { href: '/keys/', label: 'Stream keys', icon: IconKey },
    { href: '/history/', label: 'History', icon: IconHistory },
    { href: '/tokens/', label: 'API tokens', icon: IconPlugConnected },
    { href: '/users/', label: 'Users', icon: IconUsers, roles: ['admin'] },
    { href: '/webhooks/', label: 'Webhooks', icon: IconWebhook, roles: ['admin'] },
  ];
  return items.filter((item) => !item.roles || item.roles.includes(role));
}

/** The live page also owns the stream detail page (`/stream/?id=`). */
export function isActive(item: NavItem, pathname: string): boolean {
  if (item.href === '/') return pathname === '/' || pathname.startsWith('/stream');
  return pathname.startsWith(item.href.replace(/\/$/, ''));
}
