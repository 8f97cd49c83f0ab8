import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { Global, type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AppConfig, ConfigModule, loadConfig } from '@rapidrtmp/server-config';
import { ReadinessChecks } from '@rapidrtmp/server-health';
import { createLogger, LoggingModule } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { waitFor } from '@rapidrtmp/test-support';
import { GcsObjectStore } from './gcs-object-store.js';
import { LocalObjectStore } from './local-object-store.js';
import { OBJECT_STORE, type ObjectStore } from './object-store.js';
import { StorageModule } from './storage.module.js';
import { FakeGcsServer } from './testing/fake-gcs-server.js';
import { WriteBehindUploader } from './write-behind-uploader.js';

/** Tight polling: some of these states are short-lived between two spool ticks. */
const [POLL_TIMEOUT_MS, POLL_EVERY_MS] = [5000, 20];

/** What HealthModule and MetricsModule export, without their HTTP controllers and database check. */
@Global()
@Module({ providers: [ReadinessChecks, MetricsRegistry], exports: [ReadinessChecks, MetricsRegistry] })
class HostModule {}

async function boot(config: AppConfig): Promise<INestApplicationContext> {
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule.forRoot(createLogger('silent')),
      HostModule,
      StorageModule.forRoot({ gcs: { maxRetries: 0, operationTimeoutMs: 5000 }, drainTimeoutMs: 200 }),
    ],
  })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false, abortOnError: false });
  await app.init();
  return app;
}

describe('StorageModule', () => {
  let fake: FakeGcsServer;
  let endpoint: string;
  let dataDir: string;
  let app: INestApplicationContext | undefined;

  before(async () => {
    fake = new FakeGcsServer(['media']);
    endpoint = await fake.start();
    dataDir = mkdtempSync(join(tmpdir(), 'rr-storage-module-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    fake.fault = 'none';
  });
  after(async () => {
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function readiness(): Promise<void> {
    const probe = new Map(app!.get(ReadinessChecks).entries()).get('storage');
    assert.ok(probe, 'the storage readiness check is registered');
    await probe();
  }

  it('provides the local store under DATA_DIR/media by default, with readiness and the uploader', async () => {
    app = await boot(loadConfig({ DATA_DIR: dataDir }));
    const store = app.get<ObjectStore>(OBJECT_STORE);
    assert.ok(store instanceof LocalObjectStore);
    assert.equal(store.root, join(dataDir, 'media'));
    await readiness();
    let stored = false;
    app.get(WriteBehindUploader).enqueue('rec/x.m4s', Buffer.from('x'), { onStored: () => (stored = true) });
    await waitFor('uploaded', () => stored, POLL_TIMEOUT_MS, POLL_EVERY_MS);
    assert.equal((await store.get('rec/x.m4s')).toString(), 'x');
  });

  it('provides the GCS store for STORAGE=gcs and fails readiness while GCS is down', async () => {
    app = await boot(
      loadConfig({ DATA_DIR: dataDir, STORAGE: 'gcs', GCS_BUCKET: 'media', GCS_API_ENDPOINT: endpoint }),
    );
    assert.ok(app.get(OBJECT_STORE) instanceof GcsObjectStore);
    await readiness();
    fake.fault = 'unavailable';
    await assert.rejects(readiness(), /GCS failed listing the bucket in "media": HTTP 503/);
  });

  it('drains on shutdown: an upload GCS never took is in DATA_DIR/spool for the next start', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, STORAGE: 'gcs', GCS_BUCKET: 'media', GCS_API_ENDPOINT: endpoint });
    app = await boot(config);
    fake.fault = 'unavailable';
    app.get(WriteBehindUploader).enqueue('rec/late.m4s', Buffer.from('late'));
    await app.close();
    app = undefined;
    fake.fault = 'none';
    app = await boot(config);
    await waitFor(
      'uploaded at the next start',
      () => fake.objects('media').get('rec/late.m4s')?.data.toString() === 'late',
      POLL_TIMEOUT_MS,
      POLL_EVERY_MS,
    );
  });

  it('refuses to start when the bucket does not exist, naming GCS_BUCKET', async () => {
    await assert.rejects(
      boot(loadConfig({ DATA_DIR: dataDir, STORAGE: 'gcs', GCS_BUCKET: 'missing-bucket', GCS_API_ENDPOINT: endpoint })),
      /GCS_BUCKET "missing-bucket" is not usable: the bucket "missing-bucket" does not exist/,
    );
  });

  it('refuses to start when GCS does not answer', async () => {
    fake.fault = 'hang';
    await assert.rejects(
      boot(loadConfig({ DATA_DIR: dataDir, STORAGE: 'gcs', GCS_BUCKET: 'media', GCS_API_ENDPOINT: endpoint })),
      /GCS_BUCKET "media" is not usable: .*within 5000 ms/,
    );
  });
});
