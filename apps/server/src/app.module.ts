import { type DynamicModule, Module } from '@nestjs/common';
import { AccessModule } from '@rapidrtmp/server-access';
import { ApiTokensModule, AuthModule } from '@rapidrtmp/server-auth';
import { ClusterModule } from '@rapidrtmp/server-cluster';
import { AppConfig, ConfigModule } from '@rapidrtmp/server-config';
import { DeliveryModule, LivePlaybackModule } from '@rapidrtmp/server-delivery';
import { HealthModule } from '@rapidrtmp/server-health';
import { FastLanesModule } from '@rapidrtmp/server-http';
import { IngestModule } from '@rapidrtmp/server-ingest';
import { LoggingModule, type Logger } from '@rapidrtmp/server-logging';
import { MetricsModule } from '@rapidrtmp/server-metrics';
import { PersistenceModule, type PersistenceOptions } from '@rapidrtmp/server-persistence';
import { RecordingsModule } from '@rapidrtmp/server-recordings';
import { RestreamModule } from '@rapidrtmp/server-restream';
import { StorageModule } from '@rapidrtmp/server-storage';
import { StreamKeysModule } from '@rapidrtmp/server-stream-keys';
import { StreamsModule } from '@rapidrtmp/server-streams';
import { ThumbnailsModule } from '@rapidrtmp/server-thumbnails';
import { UsersModule } from '@rapidrtmp/server-users';
import { WebModule } from '@rapidrtmp/server-web';
import { WebhooksModule } from '@rapidrtmp/server-webhooks';
import { VersionController } from './version.controller.js';

/**
 * Wires the feature modules; configuration and the logger are created before Nest starts. The feature
 * modules with routes come in the order the OpenAPI document lists them (recordings, auth, users, roles,
 * stream keys, streams and history, API tokens, webhooks).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger, persistence: PersistenceOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(logger),
        FastLanesModule,
        MetricsModule.forRoot({
          token: config.http.metricsToken,
          port: config.http.metricsPort,
          host: config.host,
        }),
        PersistenceModule.forRoot(persistence),
        HealthModule,
        StorageModule,
        ClusterModule,
        RecordingsModule,
        AuthModule,
        UsersModule,
        AccessModule,
        StreamKeysModule,
        RestreamModule,
        StreamsModule,
        ApiTokensModule,
        IngestModule,
        DeliveryModule,
        LivePlaybackModule,
        ThumbnailsModule,
        WebhooksModule,
        // Last: the dashboard's static files must not shadow any API or HLS route.
        // Pages may fetch playback URLs from PUBLIC_URL's origin when it is not the one they were served from.
        WebModule.forRoot({ otherOrigins: [new URL(config.publicUrl).origin] }),
      ],
      controllers: [VersionController],
    };
  }
}
