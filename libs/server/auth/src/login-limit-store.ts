import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** A counting window: `count` events until `resetAt` (ms). */
export interface LimitWindow {
  count: number;
  resetAt: number;
}

/** Where LoginRateLimiter keeps its windows. `now` is the limiter's clock (ms), never the store's own. */
export interface LoginLimitStore {
  /** The windows of `keys` still open at `now` (a key without one is absent). */
  read(keys: readonly string[], now: number): Promise<Map<string, LimitWindow>>;
  /** One more in `key`'s window (a new one of `windowMs` from `now` when it has none open) and the result. */
  add(key: string, windowMs: number, now: number): Promise<LimitWindow>;
  /** `key` holds a window of no count until `until` (a mark such as a trusted address). */
  mark(key: string, until: number): Promise<void>;
  forget(key: string): Promise<void>;
}

/** Expired windows removed per write that opens a new one: the table stays at the live windows. */
const PRUNE_BATCH = 50;

/** The windows in PostgreSQL (login_limits): every node counts in the same windows. */
@Injectable()
export class PostgresLoginLimits implements LoginLimitStore {
  constructor(private readonly db: DataSource) {}

  async read(keys: readonly string[], now: number): Promise<Map<string, LimitWindow>> {
    const rows: Array<{ key: string; count: number; reset_at: Date }> = await this.db.query(
      `SELECT key, count, reset_at FROM login_limits WHERE key = ANY($1) AND reset_at > $2`,
      [keys, new Date(now)],
    );
    return new Map(rows.map((row) => [row.key, { count: row.count, resetAt: row.reset_at.getTime() }]));
  }

  async add(key: string, windowMs: number, now: number): Promise<LimitWindow> {
    // One statement: concurrent attempts on any node each get their own count.
    const [row]: Array<{ count: number; reset_at: Date }> = await this.db.query(
      `INSERT INTO login_limits AS l (key, count, reset_at) VALUES ($1, 1, $3)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN l.reset_at <= $2 THEN 1 ELSE l.count + 1 END,
         reset_at = CASE WHEN l.reset_at <= $2 THEN $3 ELSE l.reset_at END
       RETURNING count, reset_at`,
      [key, new Date(now), new Date(now + windowMs)],
    );
    if (!row) throw new Error(`login_limits: no row for ${key}`);
    if (row.count === 1) await this.prune(now);
    return { count: row.count, resetAt: row.reset_at.getTime() };
  }

  async mark(key: string, until: number): Promise<void> {
    await this.db.query(
      `INSERT INTO login_limits (key, count, reset_at) VALUES ($1, 0, $2)
       ON CONFLICT (key) DO UPDATE SET count = 0, reset_at = $2`,
      [key, new Date(until)],
    );
  }

  async forget(key: string): Promise<void> {
    await this.db.query(`DELETE FROM login_limits WHERE key = $1`, [key]);
  }

  private async prune(now: number): Promise<void> {
    await this.db.query(
      `DELETE FROM login_limits WHERE key IN (SELECT key FROM login_limits WHERE reset_at <= $1 LIMIT ${PRUNE_BATCH})`,
      [new Date(now)],
    );
  }
}
