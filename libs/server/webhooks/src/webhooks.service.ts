import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { OutboundGuard } from '@rapidrtmp/server-outbound';
import { AuditLog } from '@rapidrtmp/server-persistence';
import type { CreateWebhookDto, UpdateWebhookDto } from './dto/webhook-request.dto.js';
import type { CreatedWebhookDto, QueuedTestDto, WebhookDeliveryDto, WebhookDto } from './dto/webhook-response.dto.js';
import type { WebhookDeliveryEntity } from './entities/index.js';
import type { WebhookEndpointEntity } from './entities/index.js';
import { generateWebhookSecret } from './signing.js';
import { urlOrigin, webhookAddressRefusal } from './url-policy.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookEndpointsRepository, type WebhookEndpointChanges } from './webhook-endpoints.repository.js';
import { testEvent } from './webhook-events.js';

/**
 * Endpoint administration and the delivery log. Audit entries name the endpoint and its URL's origin only:
 * paths and query strings of webhook URLs often carry tokens.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly dispatcher: WebhookDispatcher,
    private readonly audit: AuditLog,
    private readonly guard: OutboundGuard,
  ) {}

  async create(actorId: string, input: CreateWebhookDto): Promise<CreatedWebhookDto> {
    this.refuseInternalAddress(input.url);
    const endpoint = await this.endpoints.insert({
      url: input.url,
      description: input.description ?? null,
      events: input.events ?? [],
      secret: generateWebhookSecret(),
      createdBy: actorId,
    });
    await this.audit.record({
      actorId,
      action: 'webhook.created',
      targetType: 'webhook',
      targetId: endpoint.id,
      details: { origin: urlOrigin(endpoint.url), events: endpoint.events },
    });
    return { ...toWebhookDto(endpoint), secret: endpoint.secret };
  }

  async list(): Promise<WebhookDto[]> {
    return (await this.endpoints.list()).map(toWebhookDto);
  }

  async get(id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.require(id));
  }

  async update(actorId: string, id: string, input: UpdateWebhookDto): Promise<WebhookDto> {
    const changes: WebhookEndpointChanges = {};
    if (input.url !== undefined) {
      this.refuseInternalAddress(input.url);
      changes.url = input.url;
    }
    if (input.description !== undefined) changes.description = input.description;
    if (input.events !== undefined) changes.events = input.events;
    if (input.enabled !== undefined) changes.enabled = input.enabled;
    const endpoint = await this.endpoints.update(id, changes);
    if (!endpoint) throw notFound(id);
    await this.audit.record({
      actorId,
      action: 'webhook.updated',
      targetType: 'webhook',
      targetId: id,
      details: {
        changed: Object.keys(changes),
        origin: urlOrigin(endpoint.url),
        events: endpoint.events,
        enabled: endpoint.enabled,
      },
    });
    return toWebhookDto(endpoint);
  }

  async delete(actorId: string, id: string): Promise<void> {
    const endpoint = await this.require(id);
    if (!(await this.endpoints.delete(id))) throw notFound(id);
    await this.audit.record({
      actorId,
      action: 'webhook.deleted',
      targetType: 'webhook',
      targetId: id,
      details: { origin: urlOrigin(endpoint.url) },
    });
  }

  async listDeliveries(id: string, limit: number): Promise<WebhookDeliveryDto[]> {
    await this.require(id);
    return (await this.deliveries.listForEndpoint(id, limit)).map(toDeliveryDto);
  }

  /** Queues a `webhook.test` event for this endpoint only. */
  async sendTest(id: string): Promise<QueuedTestDto> {
    const endpoint = await this.require(id);
    if (!endpoint.enabled) throw new ConflictException(`Webhook ${id} is disabled; enable it to send a test event`);
    const event = testEvent();
    const deliveryId = await this.dispatcher.publishTo(id, event);
    return { deliveryId, eventId: event.id };
  }

  /** 400 naming the rule when the URL's host is a literal address the outbound policy refuses. */
  private refuseInternalAddress(url: string): void {
    const refusal = webhookAddressRefusal(url, this.guard);
    if (refusal) {
      throw new BadRequestException({
        message: `url host ${refusal.message}`,
        rule: refusal.rule,
        address: refusal.address,
      });
    }
  }

  private async require(id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await this.endpoints.findById(id);
    if (!endpoint) throw notFound(id);
    return endpoint;
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException(`Webhook ${id} not found`);
}

/** Never the secret. */
export function toWebhookDto(endpoint: WebhookEndpointEntity): WebhookDto {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    createdBy: endpoint.createdBy,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
  };
}

export function toDeliveryDto(delivery: WebhookDeliveryEntity): WebhookDeliveryDto {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastDurationMs: delivery.lastDurationMs,
    createdAt: delivery.createdAt,
    deliveredAt: delivery.deliveredAt,
    nextAttemptAt: delivery.nextAttemptAt,
  };
}
