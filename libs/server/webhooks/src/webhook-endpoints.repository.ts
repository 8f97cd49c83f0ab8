import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { WebhookEndpointEntity } from './entities/index.js';
import { queryRows } from '@rapidrtmp/server-persistence';

export type NewWebhookEndpoint = Pick<WebhookEndpointEntity, 'url' | 'description' | 'secret' | 'events' | 'createdBy'>;
export type WebhookEndpointChanges = Partial<Pick<WebhookEndpointEntity, 'url' | 'description' | 'events' | 'enabled'>>;

/** The only code that touches webhook_endpoints. */
@Injectable()
export class WebhookEndpointsRepository {
  constructor(@InjectRepository(WebhookEndpointEntity) private readonly endpoints: Repository<WebhookEndpointEntity>) {}

  insert(values: NewWebhookEndpoint): Promise<WebhookEndpointEntity> {
    return this.endpoints.save(this.endpoints.create({ ...values, enabled: true }));
  }

  findById(id: string): Promise<WebhookEndpointEntity | null> {
    return this.endpoints.findOne({ where: { id } });
  }

  /** Oldest first: the order admins created them in. */
  list(): Promise<WebhookEndpointEntity[]> {
    return this.endpoints.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Applies `changes` and returns the updated endpoint, or null when there is none with that id. */
  async update(id: string, changes: WebhookEndpointChanges): Promise<WebhookEndpointEntity | null> {
    const endpoint = await this.findById(id);
    if (!endpoint) return null;
    return this.endpoints.save(this.endpoints.merge(endpoint, changes));
  }

  /** Deletes the endpoint and (by cascade) its deliveries; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const rows = await queryRows(
      this.endpoints.manager.dataSource,
      `DELETE FROM webhook_endpoints WHERE id = $1 RETURNING id`,
      [id],
    );
    return rows.length > 0;
  }
}
