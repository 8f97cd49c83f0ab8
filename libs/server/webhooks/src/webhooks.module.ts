import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@rapidrtmp/server-config';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import { WebhookDeliveryWorker } from './delivery-worker.js';
import { WEBHOOK_ENTITIES } from './entities/index.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import { WEBHOOK_OPTIONS, type WebhookOptions } from './webhook-options.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks: the admin API, the dispatcher listening to the live stream registry and the delivery worker.
 * Needs the global persistence (TypeORM data source listing WEBHOOK_ENTITIES, AuditLog), streams
 * (LiveStreamRegistry), logging (ROOT_LOGGER) and metrics (MetricsRegistry) modules, and reads the
 * outbound address policy from the global AppConfig (without one: public addresses only).
 * Import `WebhooksModule` for the defaults or `WebhooksModule.forRoot({ ... })` to tune delivery.
 */
@Module({
  imports: [TypeOrmModule.forFeature(WEBHOOK_ENTITIES)],
  controllers: [WebhooksController],
  providers: [
    WebhookEndpointsRepository,
    WebhookDeliveriesRepository,
    WebhookDeliveryWorker,
    WebhookDispatcher,
    WebhooksService,
    {
      // Deliveries connect only where the outbound policy allows: public addresses plus OUTBOUND_ALLOW_CIDRS.
      provide: OutboundGuard,
      useFactory: (config?: AppConfig) => new OutboundGuard(OutboundPolicy.allowing(config?.outbound.allowCidrs ?? [])),
      inject: [{ token: AppConfig, optional: true }],
    },
  ],
  exports: [WebhookDispatcher, WebhooksService],
})
export class WebhooksModule {
  static forRoot(options: Partial<WebhookOptions> = {}): DynamicModule {
    return { module: WebhooksModule, providers: [{ provide: WEBHOOK_OPTIONS, useValue: options }] };
  }
}
