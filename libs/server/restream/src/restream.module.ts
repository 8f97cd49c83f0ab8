import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AppConfig } from '@rapidrtmp/server-config';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import { SecretsModule } from '@rapidrtmp/server-secrets';
import { StreamKeysModule } from '@rapidrtmp/server-stream-keys';
import { LivePushTargets } from '@rapidrtmp/server-streams';
import { WebhooksModule } from '@rapidrtmp/server-webhooks';
import { PushTargetsController } from './push-targets.controller.js';
import { PushTargetsRepository } from './push-targets.repository.js';
import { PushTargetsService } from './push-targets.service.js';
import { RESTREAM_OPTIONS, type RestreamOptions } from './restream-options.js';
import { RestreamRuntime } from './restream-runtime.js';
import { RestreamStatusLookup } from './restream-status-lookup.js';

/**
 * Restream: the push-target API under stream keys and the runtime pushing live streams to them. Global
 * because it binds LivePushTargets, which the streams lib (below this one) declares for its stream detail.
 * Needs the global persistence, streams, config, logging and metrics modules; webhooks and the cluster's
 * control channel are used when present. `RestreamModule.forRoot({...})` tunes timing (tests, benchmarks).
 */
@Global()
@Module({
  imports: [StreamKeysModule, SecretsModule, WebhooksModule],
  controllers: [PushTargetsController],
  providers: [
    PushTargetsRepository,
    PushTargetsService,
    RestreamRuntime,
    RestreamStatusLookup,
    { provide: LivePushTargets, useExisting: RestreamRuntime },
    {
      // Pushes connect only where the outbound policy allows: public addresses plus OUTBOUND_ALLOW_CIDRS.
      provide: OutboundGuard,
      useFactory: (config: AppConfig) => new OutboundGuard(OutboundPolicy.allowing(config.outbound.allowCidrs)),
      inject: [AppConfig],
    },
  ],
  exports: [LivePushTargets, RestreamRuntime],
})
export class RestreamModule {
  static forRoot(options: RestreamOptions = {}): DynamicModule {
    return { module: RestreamModule, providers: [{ provide: RESTREAM_OPTIONS, useValue: options }] };
  }
}
