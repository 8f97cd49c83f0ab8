import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
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
 * (LiveStreamRegistry), logging (ROOT_LOGGER) and metrics (MetricsRegistry) modules.
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
  ],
  exports: [WebhookDispatcher, WebhooksService],
})
export class WebhooksModule {
  static forRoot(options: Partial<WebhookOptions> = {}): DynamicModule {
    return { module: WebhooksModule, providers: [{ provide: WEBHOOK_OPTIONS, useValue: options }] };
  }
}
