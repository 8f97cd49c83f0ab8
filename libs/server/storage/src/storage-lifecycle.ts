import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { ReadinessChecks } from '@rapidrtmp/server-health';
import { ROOT_LOGGER, type Logger } from '@rapidrtmp/server-logging';
import { OBJECT_STORE, type ObjectStore } from './object-store.js';
import { STORAGE_MODULE_OPTIONS, type StorageModuleOptions } from './storage-options.js';
import { WriteBehindUploader } from './write-behind-uploader.js';

/**
 * Registers the `storage` readiness check (the store's probe), starts the uploader (which replays the spool
 * left by an earlier run) and drains it on shutdown.
 */
@Injectable()
export class StorageLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly uploader: WriteBehindUploader,
    private readonly checks: ReadinessChecks,
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
    @Optional() @Inject(STORAGE_MODULE_OPTIONS) private readonly options?: StorageModuleOptions,
  ) {
    this.log = logger.child({ module: 'storage' });
  }

  /** After every onModuleInit, so this `storage` check replaces a plain DATA_DIR one registered there. */
  onApplicationBootstrap(): Promise<void> {
    // A bucket outage degrades the node (recordings wait) but live HLS keeps playing from memory.
    this.checks.register('storage', () => this.store.probe(), { critical: false });
    return this.uploader.start();
  }

  /** After every onModuleDestroy, so the last segments queued by closing streams are included. */
  async beforeApplicationShutdown(): Promise<void> {
    const timeoutMs = this.options?.drainTimeoutMs ?? Math.floor(this.config.shutdownGraceMs / 2);
    const result = await this.uploader.drain(timeoutMs);
    if (result.spooled > 0) {
      this.log.warn(
        { spooled: result.spooled, timedOut: result.timedOut },
        'uploads left in the spool for the next start',
      );
    }
  }
}
