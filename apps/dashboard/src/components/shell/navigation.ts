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
  /** The scope a user needs to see the item (and use its page). */
  needs: Scope;
}

/**
 * The pages a user's scopes open (GET /api/v1/me); each answers with what their role reaches: their own
 * streams, keys and history, or everyone's.
 */
export function navItems(me: Me): NavItem[] {
  const items: NavItem[] = [
    {
      href: '/',
      label: can(me, 'others:read') ? 'Live streams' : 'My live streams',
      icon: IconBroadcast,
      needs: 'streams:read',
    },
    { href: '/keys/', label: 'Stream keys', icon: IconKey, needs: 'keys:read' },
    { href: '/history/', label: 'History', icon: IconHistory, needs: 'sessions:read' },
    { href: '/tokens/', label: 'API tokens', icon: IconPlugConnected, needs: 'tokens:write' },
    { href: '/users/', label: 'Users', icon: IconUsers, needs: 'users:admin' },
    { href: '/webhooks/', label: 'Webhooks', icon: IconWebhook, needs: 'webhooks:admin' },
  ];
  return items.filter((item) => can(me, item.needs));
}

/** The live page also owns the stream detail page (`/stream/?id=`). */
export function isActive(item: NavItem, pathname: string): boolean {
  if (item.href === '/') return pathname === '/' || pathname.startsWith('/stream');
  return pathname.startsWith(item.href.replace(/\/$/, ''));
}
