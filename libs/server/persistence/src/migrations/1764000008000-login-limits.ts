import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The login limits' counters (LoginRateLimiter): windows of attempts and failures per address, account and
 * pair, and the addresses an account trusts. In the database so that they hold for the whole cluster, not per
 * node. Expired rows are removed by the writes themselves (a bounded delete on the reset_at index).
 */
export class LoginLimits1764000008000 implements MigrationInterface {
  name = 'LoginLimits1764000008000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE login_limits (
        key text PRIMARY KEY,
        count integer NOT NULL,
        reset_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX login_limits_reset_at_idx ON login_limits (reset_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE login_limits`);
  }
}
