import type { LimitWindow, LoginLimitStore } from '../login-limit-store.js';

/** The windows in a Map, for unit tests of code that only needs some login limits (AuthService). */
export function memoryLoginLimits(): LoginLimitStore {
  const windows = new Map<string, LimitWindow>();
  return {
    async read(keys, now) {
      const open = new Map<string, LimitWindow>();
      for (const key of keys) {
        const window = windows.get(key);
        if (window && window.resetAt > now) open.set(key, { ...window });
      }
      return open;
    },
    async add(key, windowMs, now) {
      const window = windows.get(key);
      const next =
        window && window.resetAt > now
          ? { count: window.count + 1, resetAt: window.resetAt }
          : { count: 1, resetAt: now + windowMs };
      windows.set(key, next);
      return { ...next };
    },
    async mark(key, until) {
      windows.set(key, { count: 0, resetAt: until });
    },
    async forget(key) {
      windows.delete(key);
    },
  };
}
