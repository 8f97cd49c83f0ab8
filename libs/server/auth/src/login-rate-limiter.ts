import { isIPv6 } from 'node:net';
import { Injectable } from '@nestjs/common';
import type { LoginLimitStore } from './login-limit-store.js';

/** Every attempt from one address, whatever the account: stops one address spraying many accounts. */
const PER_ADDRESS = { limit: 20, windowMs: 5 * 60_000 };
/** Failures for one account from one address: stops one address guessing one password. */
const PER_ACCOUNT_ADDRESS = { limit: 5, windowMs: 15 * 60_000 };
/** Failures for one account from all addresses: a guess spread over many addresses. */
const PER_ACCOUNT = { limit: 50, windowMs: 15 * 60_000 };
/** An address a user logged in from successfully stays trusted for the account this long. */
const TRUSTED_MS = 30 * 24 * 3600_000;

/** The store's keys: attempts per address, failures per pair and per account, trusted pairs. */
const keys = {
  address: (address: string) => `attempts\n${address}`,
  pair: (pair: string) => `pair-failures\n${pair}`,
  account: (account: string) => `account-failures\n${account}`,
  trusted: (pair: string) => `trusted\n${pair}`,
};

/**
 * Slows password guessing. The counters are in the store (PostgreSQL in production), so the limits hold for
 * the cluster: a guesser gets no more attempts by reaching several nodes.
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
  constructor(
    private readonly store: LoginLimitStore,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Seconds to wait before another attempt is allowed, or 0. A login counts against the address's budget
   * of attempts; a password check by a signed-in user (`countAttempt: false`) cannot spray accounts, so only
   * the account's failure limits apply to it.
   */
  async check(ip: string, email: string, { countAttempt = true } = {}): Promise<number> {
    const now = this.clock();
    const address = addressBucket(ip);
    const account = email.toLowerCase();
    const pair = `${account}\n${address}`;
    const open = await this.store.read([keys.pair(pair), keys.account(account), keys.trusted(pair)], now);
    const fromPair = open.get(keys.pair(pair));
    if (fromPair && fromPair.count >= PER_ACCOUNT_ADDRESS.limit) return secondsUntil(fromPair.resetAt, now);
    const overall = open.get(keys.account(account));
    if (overall && overall.count >= PER_ACCOUNT.limit && !open.has(keys.trusted(pair)))
      return secondsUntil(overall.resetAt, now);
    if (!countAttempt) return 0;
    const attempts = await this.store.add(keys.address(address), PER_ADDRESS.windowMs, now);
    return attempts.count > PER_ADDRESS.limit ? secondsUntil(attempts.resetAt, now) : 0;
  }

  async recordFailure(ip: string, email: string): Promise<void> {
    const now = this.clock();
    const account = email.toLowerCase();
    const pair = `${account}\n${addressBucket(ip)}`;
    await this.store.add(keys.pair(pair), PER_ACCOUNT_ADDRESS.windowMs, now);
    await this.store.add(keys.account(account), PER_ACCOUNT.windowMs, now);
  }

  /** The address proved the password: its failures for the account are forgotten and it becomes trusted. */
  async recordSuccess(ip: string, email: string): Promise<void> {
    const pair = `${email.toLowerCase()}\n${addressBucket(ip)}`;
    await this.store.forget(keys.pair(pair));
    await this.store.mark(keys.trusted(pair), this.clock() + TRUSTED_MS);
  }
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
