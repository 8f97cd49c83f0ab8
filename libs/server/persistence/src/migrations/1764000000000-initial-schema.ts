import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first schema. Plain SQL that PostgreSQL 15 (the oldest supported) and 18 (embedded) both accept;
 * `gen_random_uuid()` is built in since PostgreSQL 13, so no extension is needed.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(320) NOT NULL,
        display_name varchar(200),
        password_hash text NOT NULL,
        role varchar(16) NOT NULL CONSTRAINT users_role_check CHECK (role IN ('admin', 'moderator', 'publisher')),
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await db.query(`CREATE INDEX users_role_idx ON users (role)`);

    await db.query(`
      CREATE TABLE stream_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label varchar(100) NOT NULL,
        key_hash varchar(64) NOT NULL,
        key_prefix varchar(16) NOT NULL,
        playback_id varchar(32) NOT NULL,
        revoked_at timestamptz,
        banned_until timestamptz,
        ban_reason text,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX stream_keys_key_hash_key ON stream_keys (key_hash)`);
    await db.query(`CREATE INDEX stream_keys_key_prefix_idx ON stream_keys (key_prefix)`);
    await db.query(`CREATE UNIQUE INDEX stream_keys_playback_id_key ON stream_keys (playback_id)`);
    await db.query(`CREATE INDEX stream_keys_owner_idx ON stream_keys (owner_id, created_at)`);

    await db.query(`
      CREATE TABLE api_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label varchar(100) NOT NULL,
        token_hash varchar(64) NOT NULL,
        token_prefix varchar(16) NOT NULL,
        scopes text[] NOT NULL DEFAULT '{}',
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash)`);
    await db.query(`CREATE INDEX api_tokens_token_prefix_idx ON api_tokens (token_prefix)`);
    await db.query(`CREATE INDEX api_tokens_owner_idx ON api_tokens (owner_id)`);

    await db.query(`
      CREATE TABLE stream_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        stream_key_id uuid REFERENCES stream_keys (id) ON DELETE SET NULL,
        owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
        node_id varchar(128) NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        ended_at timestamptz,
        end_reason varchar(32),
        stopped_by uuid REFERENCES users (id) ON DELETE SET NULL,
        bytes_in bigint NOT NULL DEFAULT 0,
        video_codec varchar(64),
        audio_codec varchar(64),
        width integer,
        height integer,
        avg_bitrate integer
      )`);
    // History is read newest first, filtered by owner, key, time range and end reason.
    await db.query(`CREATE INDEX stream_sessions_started_idx ON stream_sessions (started_at DESC, id DESC)`);
    await db.query(`CREATE INDEX stream_sessions_owner_idx ON stream_sessions (owner_id, started_at DESC)`);
    await db.query(`CREATE INDEX stream_sessions_key_idx ON stream_sessions (stream_key_id, started_at DESC)`);
    await db.query(`CREATE INDEX stream_sessions_end_reason_idx ON stream_sessions (end_reason, started_at DESC)`);
    // Open sessions: live list and crash recovery on start-up (sessions a dead node left open).
    await db.query(`CREATE INDEX stream_sessions_open_idx ON stream_sessions (node_id) WHERE ended_at IS NULL`);

    await db.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        action varchar(64) NOT NULL,
        target_type varchar(32),
        target_id varchar(64),
        at timestamptz NOT NULL DEFAULT now(),
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await db.query(`CREATE INDEX audit_events_at_idx ON audit_events (at DESC)`);
    await db.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, at DESC)`);
    await db.query(`CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id, at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP TABLE stream_sessions`);
    await db.query(`DROP TABLE api_tokens`);
    await db.query(`DROP TABLE stream_keys`);
    await db.query(`DROP TABLE users`);
  }
}
