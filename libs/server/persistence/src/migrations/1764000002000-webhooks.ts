import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints and the delivery queue/log. Plain SQL that PostgreSQL 15 and the embedded PostgreSQL 18
 * both accept; depends on `users` from the initial schema.
 */
export class Webhooks1764000002000 implements MigrationInterface {
  name = 'Webhooks1764000002000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url varchar(2048) NOT NULL,
        description varchar(500),
        secret varchar(64) NOT NULL,
        events text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Deleting a user sets created_by to null: without an index that is a scan per deleted user.
    await db.query(`CREATE INDEX webhook_endpoints_created_by_idx ON webhook_endpoints (created_by)`);

    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type varchar(64) NOT NULL,
        payload jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending'
          CONSTRAINT webhook_deliveries_status_check CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz DEFAULT now(),
        last_status_code integer,
        last_error text,
        last_duration_ms integer,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    // The worker's claim: pending rows that are due, oldest due first.
    await db.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at)`);
    // The delivery log of one endpoint, newest first; also serves the ON DELETE CASCADE.
    await db.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_endpoints`);
  }
}
