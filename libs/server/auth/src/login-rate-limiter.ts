import { Injectable } from '@nestjs/common';

interface Window {
  count: number;
  resetAt: number;
}

const PER_IP = { limit: 20, windowMs: 5 * 60_000 };
const PER_ACCOUNT = { limit: 5, windowMs: 15 * 60_000 };
const MAX_TRACKED = 50_000;

/**
 * Slows password guessing: per client address (all attempts) and per account (failures), in fixed
 * windows. In memory, so per node; behind several nodes the effective limit is per node.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly byIp = new Map<string, Window>();
  private readonly failuresByAccount = new Map<string, Window>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Seconds to wait before another attempt is allowed, or 0. Counts the attempt against the address. */
  check(ip: string, email: string): number {
    const now = this.clock();
    const account = this.current(this.failuresByAccount, email.toLowerCase(), now, PER_ACCOUNT.windowMs);
    if (account.count >= PER_ACCOUNT.limit) return Math.ceil((account.resetAt - now) / 1000);
    const address = this.current(this.byIp, ip, now, PER_IP.windowMs);
    if (address.count >= PER_IP.limit) return Math.ceil((address.resetAt - now) / 1000);
    address.count++;
    return 0;
  }

  recordFailure(email: string): void {
    this.current(this.failuresByAccount, email.toLowerCase(), this.clock(), PER_ACCOUNT.windowMs).count++;
  }

  recordSuccess(email: string): void {
    this.failuresByAccount.delete(email.toLowerCase());
  }

  private current(map: Map<string, Window>, key: string, now: number, windowMs: number): Window {
    let window = map.get(key);
    if (!window || window.resetAt <= now) {
      if (map.size >= MAX_TRACKED) this.prune(map, now);
      window = { count: 0, resetAt: now + windowMs };
      map.set(key, window);
    }
    return window;
  }

  private prune(map: Map<string, Window>, now: number): void {
    for (const [key, window] of map) if (window.resetAt <= now) map.delete(key);
    if (map.size >= MAX_TRACKED) map.clear();
  }
}
