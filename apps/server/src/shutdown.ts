import type { INestApplication } from '@nestjs/common';
import { ClusterMembership } from '@rapidrtmp/server-cluster';
import { ReadinessChecks } from '@rapidrtmp/server-health';
import { RtmpListener } from '@rapidrtmp/server-ingest';
import type { Logger } from '@rapidrtmp/server-logging';

/**
 * What closing needs after the drain: publishers told, history written, the last segments uploaded (the
 * spool in DATA_DIR may not survive the pod), the database closed. A fifth of the grace, at least 2 s.
 */
const closeBudgetMs = (graceMs: number) => Math.min(Math.max(2000, graceMs / 5), graceMs / 2);

/**
 * SIGTERM/SIGINT drain the node, then close it, within `graceMs` (SHUTDOWN_GRACE_MS):
 * 1. /readyz turns 503 (`draining`) at once; no new RTMP connections or publishes are accepted.
 * 2. Live publishers keep streaming until they leave or the grace minus the close budget (a fifth of it,
 *    at least 2 s) has passed,
 *    so viewers here and on other nodes keep watching while encoders move to another node.
 * 3. Modules close (onModuleDestroy / beforeApplicationShutdown end the remaining streams, write their
 *    history and recordings, close the database) and the process exits 0.
 * If closing outlives the grace the process exits 1 anyway, so an orchestrator never waits on it.
 */
export function installShutdown(app: INestApplication, logger: Logger, graceMs: number): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const started = Date.now();
    logger.info({ signal, graceMs }, 'shutting down: draining');
    const watchdog = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, graceMs);
    watchdog.unref();
    app.get(ReadinessChecks).drain();
    void app.get(ClusterMembership).drain();
    const drainUntil = started + Math.max(0, graceMs - closeBudgetMs(graceMs));
    app
      .get(RtmpListener)
      .drain(drainUntil)
      .then(() => app.close())
      .then(() => {
        logger.info({ ms: Date.now() - started }, 'shutdown complete');
        logger.flush?.();
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
