import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recordings of every session and their segments; recording can be switched off per key. */
export class Recordings1764000003000 implements MigrationInterface {
  name = 'Recordings1764000003000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE recordings (
        id uuid PRIMARY KEY REFERENCES stream_sessions (id) ON DELETE CASCADE,
        stream_key_id uuid REFERENCES stream_keys (id) ON DELETE SET NULL,
        owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
        playback_id varchar(32) NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        duration_seconds double precision NOT NULL DEFAULT 0,
        bytes bigint NOT NULL DEFAULT 0,
        segment_count integer NOT NULL DEFAULT 0,
        storage_backend varchar(16) NOT NULL,
        status varchar(16) NOT NULL CONSTRAINT recordings_status_check
          CHECK (status IN ('recording', 'complete', 'incomplete', 'deleted')),
        gaps integer NOT NULL DEFAULT 0,
        signed_playback boolean NOT NULL DEFAULT false
      )`);
    await db.query(`CREATE INDEX recordings_started_idx ON recordings (started_at DESC, id DESC)`);
    await db.query(`CREATE INDEX recordings_owner_idx ON recordings (owner_id, started_at DESC)`);
    await db.query(`CREATE INDEX recordings_key_idx ON recordings (stream_key_id, started_at DESC)`);
    await db.query(`CREATE INDEX recordings_status_idx ON recordings (status, ended_at)`);
    await db.query(`
      CREATE TABLE recording_segments (
        recording_id uuid NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
        msn integer NOT NULL,
        name varchar(64) NOT NULL,
        init_name varchar(64) NOT NULL,
        duration double precision NOT NULL,
        discontinuity boolean NOT NULL DEFAULT false,
        bytes integer NOT NULL,
        program_date_time timestamptz NOT NULL,
        state varchar(8) NOT NULL DEFAULT 'pending',
        PRIMARY KEY (recording_id, msn)
      )`);
    await db.query(`ALTER TABLE stream_keys ADD COLUMN recording_enabled boolean NOT NULL DEFAULT true`);
    await db.query(`ALTER TABLE stream_keys ADD COLUMN recording_retention_days integer`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE stream_keys DROP COLUMN recording_retention_days`);
    await db.query(`ALTER TABLE stream_keys DROP COLUMN recording_enabled`);
    await db.query(`DROP TABLE recording_segments`);
    await db.query(`DROP TABLE recordings`);
  }
}
