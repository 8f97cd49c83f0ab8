import {
  IconBroadcast,
  IconHistory,
  IconKey,
  IconPlugConnected,
  IconUsers,
  IconWebhook,
  type Icon,
} from '@tabler/icons-react';
import type { Scope } from '@/lib/api';
import { can } from '@/lib/roles';
import type { Me } from './me-context';

export interface NavItem {
  href: string;
  label: string;
  icon: Icon;
  /** The scope a user needs to see the item; everybody sees it when absent. */
  needs?: Scope;
}

/**
 * Everybody: live streams, keys, history and API tokens (the API answers with what their role reaches:
 * their own, or everyone's). Users and webhooks for those whose role manages them.
 */
export function navItems(me: Me): NavItem[] {
  const items: NavItem[] = [
    { href: '/', label: can(me, 'others:read') ? 'Live streams' : 'My live streams', icon: IconBroadcast },
    { href: '/keys/', label: 'Stream keys', icon: IconKey },
    { href: '/history/', label: 'History', icon: IconHistory },
    { href: '/tokens/', label: 'API tokens', icon: IconPlugConnected },
    { href: '/users/', label: 'Users', icon: IconUsers, needs: 'users:admin' },
    { href: '/webhooks/', label: 'Webhooks', icon: IconWebhook, needs: 'webhooks:admin' },
  ];
  return items.filter((item) => !item.needs || can(me, item.needs));
}

/** The live page also owns the stream detail page (`/stream/?id=`). */
export function isActive(item: NavItem, pathname: string): boolean {
  if (item.href === '/') return pathname === '/' || pathname.startsWith('/stream');
  return pathname.startsWith(item.href.replace(/\/$/, ''));
}
