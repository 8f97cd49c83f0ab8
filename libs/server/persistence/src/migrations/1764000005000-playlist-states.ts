import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each live playlist stands (instance, media and discontinuity sequence, next init index), so the
 * same stream republished on another node within the republish grace continues the playlist its viewers
 * are on instead of starting a new one.
 */
export class PlaylistStates1764000005000 implements MigrationInterface {
  name = 'PlaylistStates1764000005000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE playlist_states (
        playback_id varchar(32) PRIMARY KEY,
        instance_id varchar(16) NOT NULL,
        node_id varchar(128) NOT NULL,
        state varchar(16) NOT NULL CONSTRAINT playlist_states_state_check CHECK (state IN ('live', 'reconnecting', 'ended')),
        continuation jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE playlist_states`);
  }
}
