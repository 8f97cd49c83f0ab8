import { isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';

interface Window {
  count: number;
  resetAt: number;
}

/** Every attempt from one address, whatever the account: stops one address spraying many accounts. */
const PER_ADDRESS = { limit: 20, windowMs: 5 * 60_000 };
/** Failures for one account from one address: stops one address guessing one password. */
const PER_ACCOUNT_ADDRESS = { limit: 5, windowMs: 15 * 60_000 };
/** Failures for one account from all addresses: a guess spread over many addresses. */
const PER_ACCOUNT = { limit: 50, windowMs: 15 * 60_000 };
/** An address a user logged in from successfully stays trusted for the account this long. */
const TRUSTED_MS = 30 * 24 * 3600_000;
const MAX_TRACKED = 50_000;

/**
 * Slows password guessing. In memory, so per node: behind several nodes the limits are per node.
 *
 * Why lockouts are scoped to the pair (account, address) and not to the account: a lock on the account
 * alone lets anyone who knows an e-mail keep its owner out for good by failing five times every 15
 * minutes. Here an attacker hammering from address X only locks X out of that account (and X out of
 * everything past 20 attempts in 5 minutes); the real user on address Y logs in as usual. A guess spread
 * over many addresses is still bounded: past 50 failures in 15 minutes the account is locked too, but
 * only for addresses it has not logged in from in the last 30 days, so even then its owner gets in from
 * a known address (a lockout the right password from a recently successful address bypasses). IPv6
 * clients are counted per /64, the block one subscriber usually holds, so rotating addresses within it
 * gains nothing. With TRUST_PROXY set, the address is the client's, not the proxy's.
 */
@Injectable()
export class LoginRateLimiter {
  private readonly attemptsByAddress = new Map<string, Window>();
  private readonly failuresByAccountAddress = new Map<string, Window>();
  private readonly failuresByAccount = new Map<string, Window>();
  /** `account \n address` -> trusted until (ms), in insertion order (oldest first). */
  private readonly trusted = new Map<string, number>();

  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * Seconds to wait before another attempt is allowed, or 0. A login counts against the address's budget
   * of attempts; a password check by a signed-in user (`countAttempt: false`) cannot spray accounts, so only
   * the account's failure limits apply to it.
   */
  check(ip: string, email: string, { countAttempt = true } = {}): number {
    const now = this.clock();
    const address = addressBucket(ip);
    const account = email.toLowerCase();
    const pair = `${account}\n${address}`;
    const fromPair = this.current(this.failuresByAccountAddress, pair, now, PER_ACCOUNT_ADDRESS.windowMs);
    if (fromPair.count >= PER_ACCOUNT_ADDRESS.limit) return secondsUntil(fromPair.resetAt, now);
    const overall = this.current(this.failuresByAccount, account, now, PER_ACCOUNT.windowMs);
    if (overall.count >= PER_ACCOUNT.limit && !this.isTrusted(pair, now)) return secondsUntil(overall.resetAt, now);
    if (!countAttempt) return 0;
    const attempts = this.current(this.attemptsByAddress, address, now, PER_ADDRESS.windowMs);
    if (attempts.count >= PER_ADDRESS.limit) return secondsUntil(attempts.resetAt, now);
    attempts.count++;
    return 0;
  }

  recordFailure(ip: string, email: string): void {
    const now = this.clock();
    const account = email.toLowerCase();
    const pair = `${account}\n${addressBucket(ip)}`;
    this.current(this.failuresByAccountAddress, pair, now, PER_ACCOUNT_ADDRESS.windowMs).count++;
    this.current(this.failuresByAccount, account, now, PER_ACCOUNT.windowMs).count++;
  }

  /** The address proved the password: its failures for the account are forgotten and it becomes trusted. */
  recordSuccess(ip: string, email: string): void {
    const pair = `${email.toLowerCase()}\n${addressBucket(ip)}`;
    this.failuresByAccountAddress.delete(pair);
    this.trusted.delete(pair);
    if (this.trusted.size >= MAX_TRACKED) {
      const [oldest] = this.trusted.keys();
      if (oldest !== undefined) this.trusted.delete(oldest);
    }
    this.trusted.set(pair, this.clock() + TRUSTED_MS);
  }

  private isTrusted(pair: string, now: number): boolean {
    return (this.trusted.get(pair) ?? 0) > now;
  }

  private current(map: Map<string, Window>, key: string, now: number, windowMs: number): Window {
    let window = map.get(key);
    if (!window || window.resetAt <= now) {
      if (map.size >= MAX_TRACKED) prune(map, now);
      window = { count: 0, resetAt: now + windowMs };
      map.set(key, window);
    }
    return window;
  }
}

function prune(map: Map<string, Window>, now: number): void {
  for (const [key, window] of map) if (window.resetAt <= now) map.delete(key);
  if (map.size >= MAX_TRACKED) map.clear();
}

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

/** The unit limits apply to: an IPv4 address (also IPv4-mapped IPv6), or the /64 of an IPv6 address. */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped !== undefined) return mapped;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
