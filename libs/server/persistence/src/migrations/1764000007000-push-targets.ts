import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Restream (push) targets per stream key: URL without the key, the target's stream key sealed by the
 * SecretBox, enabled. Deleted with their stream key. Plain SQL that PostgreSQL 15 and 18 both accept.
 */
export class PushTargets1764000007000 implements MigrationInterface {
  name = 'PushTargets1764000007000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE push_targets (
        id uuid PRIMARY KEY,
        stream_key_id uuid NOT NULL REFERENCES stream_keys (id) ON DELETE CASCADE,
        label varchar(100) NOT NULL,
        url varchar(2048) NOT NULL
          CONSTRAINT push_targets_url_check CHECK (url LIKE 'rtmp://%' OR url LIKE 'rtmps://%'),
        stream_key_sealed text NOT NULL,
        stream_key_hint varchar(4) NOT NULL DEFAULT '',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A key's targets, in creation order (listing, and the relay's load at publish); also serves the cascade.
    await db.query(`CREATE INDEX push_targets_stream_key_idx ON push_targets (stream_key_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE push_targets`);
  }
}
