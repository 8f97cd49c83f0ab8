import type { INestApplication } from '@nestjs/common';
import type { Logger } from '@rapidrtmp/server-logging';

/**
 * SIGTERM/SIGINT: stop accepting, let modules drain (their onModuleDestroy / beforeApplicationShutdown
 * hooks end live streams and close the database), then exit 0. If draining outlives `graceMs` the
 * process exits 1 anyway so an orchestrator never waits on a stuck shutdown.
 */
export function installShutdown(app: INestApplication, logger: Logger, graceMs: number): void {
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const started = Date.now();
    logger.info({ signal }, 'shutting down');
    const watchdog = setTimeout(() => {
      logger.error({ graceMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, graceMs);
    watchdog.unref();
    app
      .close()
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
