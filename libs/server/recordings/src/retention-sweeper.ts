import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@rapidrtmp/server-config';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { AuditLog } from '@rapidrtmp/server-persistence';
import { OBJECT_STORE, type ObjectStore } from '@rapidrtmp/server-storage';
import type { DataSource } from 'typeorm';
import { RecordingsRepository } from './recordings.repository.js';

const SWEEP_EVERY_MS = 60 * 60_000;
const FIRST_SWEEP_AFTER_MS = 60_000;
const BATCH = 50;
const MAX_BATCHES_PER_SWEEP = 20;
/** pg_try_advisory_lock key: one sweeper at a time across every node sharing the database. */
const ADVISORY_LOCK_KEY = 0x72727265; // "rrre"

/**
 * Deletes recordings past their retention (RECORDING_RETENTION_DAYS, or the stream key's own setting):
 * their objects first, then the rows are marked `deleted`. Hourly, in bounded batches, under a Postgres
 * advisory lock so several nodes can run it at once without doing the work twice.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repository: RecordingsRepository,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ module: 'retention' });
  }

  onApplicationBootstrap(): void {
    const schedule = (delay: number) => {
      this.timer = setTimeout(() => {
        void this.sweep()
          .catch((error: unknown) => this.log.error({ err: error }, 'retention sweep failed'))
          .finally(() => schedule(SWEEP_EVERY_MS));
      }, delay);
      this.timer.unref();
    };
    schedule(FIRST_SWEEP_AFTER_MS);
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }

  /** One sweep; returns how many recordings were deleted (0 when another node holds the lock). */
  async sweep(now = new Date()): Promise<number> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [ADVISORY_LOCK_KEY])) as {
        locked: boolean;
      }[];
      if (!lock?.locked) return 0;
      try {
        let deleted = 0;
        for (let batch = 0; batch < MAX_BATCHES_PER_SWEEP; batch++) {
          const expired = (await runner.query(
            `SELECT r.id FROM recordings r LEFT JOIN stream_keys k ON k.id = r.stream_key_id
             WHERE r.status IN ('complete', 'incomplete')
               AND COALESCE(k.recording_retention_days, $2::integer) IS NOT NULL
               AND r.ended_at < $1::timestamptz - make_interval(days => COALESCE(k.recording_retention_days, $2::integer))
             ORDER BY r.ended_at LIMIT ${BATCH}`,
            [now, this.config.recordingRetentionDays ?? null],
          )) as Array<{ id: string }>;
          for (const { id } of expired) {
            const objects = await this.store.deleteByPrefix(`recordings/${id}/`);
            await this.repository.markDeleted(id);
            await this.audit.record({
              actorId: null,
              action: 'recording.expired',
              targetType: 'recording',
              targetId: id,
              details: { objects },
            });
          }
          deleted += expired.length;
          if (expired.length < BATCH) break;
        }
        if (deleted > 0) this.log.info({ deleted }, 'expired recordings deleted');
        return deleted;
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [ADVISORY_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}
