import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Dashboard login sessions, and per-key signed playback. */
export class AuthSessions1764000001000 implements MigrationInterface {
  name = 'AuthSessions1764000001000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE auth_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash varchar(64) NOT NULL,
        csrf_hash varchar(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        ip varchar(64),
        user_agent varchar(300)
      )`);
    await db.query(`CREATE UNIQUE INDEX auth_sessions_token_hash_key ON auth_sessions (token_hash)`);
    await db.query(`CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id) WHERE revoked_at IS NULL`);
    await db.query(`ALTER TABLE stream_keys ADD COLUMN signed_playback boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE stream_keys DROP COLUMN signed_playback`);
    await db.query(`DROP TABLE auth_sessions`);
  }
}
