import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which token created a token (null: created by a login), so that revoking a token revokes every token it
 * minted, and theirs. A deleted parent leaves its children unlinked, not deleted (their revocation is by
 * revoked_at, never by deleting rows).
 */
export class ApiTokenParents1764000006000 implements MigrationInterface {
  name = 'ApiTokenParents1764000006000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE api_tokens ADD COLUMN parent_token_id uuid REFERENCES api_tokens (id) ON DELETE SET NULL`,
    );
    await db.query(
      `CREATE INDEX api_tokens_parent_idx ON api_tokens (parent_token_id) WHERE parent_token_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX api_tokens_parent_idx`);
    await db.query(`ALTER TABLE api_tokens DROP COLUMN parent_token_id`);
  }
}
