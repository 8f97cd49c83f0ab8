import 'reflect-metadata';
import { ConfigError, loadConfig } from '@rapidrtmp/server-config';
import { EmbeddedPostgres } from '@rapidrtmp/server-embedded-postgres';
import { createLogger } from '@rapidrtmp/server-logging';
import { configureMediaBuffers } from '@rapidrtmp/media-core';
import { applyHeapGrowth } from './heap-growth.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`rapidrtmp: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  applyHeapGrowth(config.heapGrowthPercent);
  configureMediaBuffers(config.mediaBuffers);
  const logger = createLogger(config.logLevel);
  if (config.cluster.nodeUrl && config.embeddedDatabase) {
    logger.warn(
      'NODE_URL is set but DATABASE_URL is not: this node runs its own embedded PostgreSQL and cannot form a cluster with other nodes. Point every node at one shared PostgreSQL with DATABASE_URL.',
    );
  }
  // The embedded database starts while the application code loads (about a second each): only this
  // file and its three small imports are loaded before it.
  const embedded = config.embeddedDatabase
    ? EmbeddedPostgres.start({ dataDir: config.dataDir, logger: logger.child({ module: 'embedded-postgres' }) })
    : undefined;
  embedded?.catch(() => undefined);
  const { bootstrap } = await import('./bootstrap.js');
  await bootstrap(config, logger, embedded);
}

main().catch((error: unknown) => {
  // Logged as JSON by the time Nest is up; before that, plain stderr is all there is. Exiting closes the
  // embedded PostgreSQL's supervision pipe, so it stops too.
  process.stderr.write(
    `rapidrtmp: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
