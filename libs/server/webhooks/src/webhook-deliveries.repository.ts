import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { DataSource, Repository } from 'typeorm';
import type { DeliveryStatus } from './entities/index.js';
import { WebhookDeliveryEntity } from './entities/index.js';
import { queryRows } from '@rapidrtmp/server-persistence';
import type { WebhookEvent } from './webhook-events.js';

/** A delivery claimed by this worker, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  payload: Record<string, unknown>;
  /** Attempts made before this one. */
  attempts: number;
  createdAt: Date;
  url: string;
  secret: string;
  enabled: boolean;
}

/** The outcome of one attempt, as stored on the row. */
export interface AttemptRecord {
  status: DeliveryStatus;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** For `pending`: when to try again. */
  retryInMs?: number;
}

const MS = `* interval '1 millisecond'`;

/**
 * The only code that touches webhook_deliveries: the queue (enqueue, claim, record) and the log.
 * Every statement is a single statement, so no transaction is held open across an HTTP call and claims
 * are safe with several nodes on one PostgreSQL.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  private readonly dataSource: DataSource;

  constructor(@InjectRepository(WebhookDeliveryEntity) private readonly deliveries: Repository<WebhookDeliveryEntity>) {
    this.dataSource = deliveries.manager.dataSource;
  }

  /** Queues `event` for every enabled endpoint subscribed to its type; returns how many rows it added. */
  async enqueueForSubscribers(event: WebhookEvent): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload)
       SELECT id, $1::uuid, $2::text, $3::jsonb FROM webhook_endpoints
       WHERE enabled AND (cardinality(events) = 0 OR $2::text = ANY (events))
       RETURNING id`,
      [event.id, event.type, JSON.stringify(event)],
    );
    return rows.length;
  }

  /** Queues `event` for one endpoint whatever it subscribes to; returns the delivery id. */
  async enqueueTo(endpointId: string, event: WebhookEvent): Promise<string> {
    const [row] = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload)
       VALUES ($1, $2, $3, $4::jsonb) RETURNING id`,
      [endpointId, event.id, event.type, JSON.stringify(event)],
    );
    if (!row) throw new Error('INSERT INTO webhook_deliveries … RETURNING id returned no row');
    return row.id;
  }

  /**
   * Claims up to `limit` due deliveries by pushing their next_attempt_at `leaseMs` ahead, so no other
   * worker picks them while this one sends. `FOR UPDATE SKIP LOCKED` keeps concurrent claims (other
   * nodes) disjoint; the statement is its own transaction and commits before any request is sent. A
   * worker that dies mid-send leaves rows that become due again when the lease runs out.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const rows = await queryRows<ClaimedDelivery>(
      this.dataSource,
      `WITH due AS (
         SELECT id FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       )
       UPDATE webhook_deliveries d
       SET next_attempt_at = now() + ($2::double precision ${MS})
       FROM due, webhook_endpoints e
       WHERE d.id = due.id AND e.id = d.endpoint_id
       RETURNING d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId", d.event_type AS "eventType",
         d.payload, d.attempts, d.created_at AS "createdAt", e.url, e.secret, e.enabled`,
      [limit, leaseMs],
    );
    // Oldest event first, so one endpoint gets a stream's events in the order they happened.
    return rows.sort((a, b) => new Date(a.createdAt).getTime() - new Date(b.createdAt).getTime());
  }

  /** Stores one attempt on a claimed row (a row deleted meanwhile, with its endpoint, is left alone). */
  async recordAttempt(id: string, attempt: AttemptRecord): Promise<void> {
    await queryRows(
      this.dataSource,
      `UPDATE webhook_deliveries SET
         status = $2::varchar,
         attempts = attempts + 1,
         last_status_code = $3::integer,
         last_error = $4::text,
         last_duration_ms = $5::integer,
         next_attempt_at = CASE WHEN $2::varchar = 'pending' THEN now() + ($6::double precision ${MS}) END,
         delivered_at = CASE WHEN $2::varchar = 'succeeded' THEN now() END
       WHERE id = $1 AND status = 'pending'
       RETURNING id`,
      [id, attempt.status, attempt.statusCode, attempt.error, Math.round(attempt.durationMs), attempt.retryInMs ?? 0],
    );
  }

  /** Marks a claimed row failed without an attempt (e.g. its endpoint was disabled). */
  async fail(id: string, error: string): Promise<void> {
    await queryRows(
      this.dataSource,
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, next_attempt_at = NULL
       WHERE id = $1 AND status = 'pending' RETURNING id`,
      [id, error],
    );
  }

  /** Gives claimed rows back without counting an attempt; they become due after `delayMs`. */
  async release(ids: string[], delayMs: number): Promise<void> {
    if (ids.length === 0) return;
    await queryRows(
      this.dataSource,
      `UPDATE webhook_deliveries SET next_attempt_at = now() + ($2::double precision ${MS})
       WHERE id = ANY (string_to_array($1, ',')::uuid[]) AND status = 'pending' RETURNING id`,
      [ids.join(','), delayMs],
    );
  }

  /** Milliseconds until the next pending row is due (<= 0: due now), or null when none is pending. */
  async msUntilNextDue(): Promise<number | null> {
    const [row] = await queryRows<{ ms: number | string | null }>(
      this.dataSource,
      `SELECT (EXTRACT(EPOCH FROM (min(next_attempt_at) - now())) * 1000)::double precision AS ms
       FROM webhook_deliveries WHERE status = 'pending'`,
    );
    return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
  }

  /** Deletes finished deliveries created more than `olderThanMs` ago; returns how many. */
  async pruneFinished(olderThanMs: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM webhook_deliveries
       WHERE status <> 'pending' AND created_at < now() - ($1::double precision ${MS}) RETURNING id`,
      [olderThanMs],
    );
    return rows.length;
  }

  /** The delivery log of one endpoint, newest first (without payloads). */
  listForEndpoint(endpointId: string, limit: number): Promise<WebhookDeliveryEntity[]> {
    return this.deliveries.find({
      where: { endpointId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      select: {
        id: true,
        endpointId: true,
        eventId: true,
        eventType: true,
        status: true,
        attempts: true,
        nextAttemptAt: true,
        lastStatusCode: true,
        lastError: true,
        lastDurationMs: true,
        createdAt: true,
        deliveredAt: true,
      },
    });
  }

  findById(id: string): Promise<WebhookDeliveryEntity | null> {
    return this.deliveries.findOne({ where: { id } });
  }
}
