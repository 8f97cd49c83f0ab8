import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../entities/index.js';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events.js';

export class WebhookDto {
  @ApiProperty({ format: 'uuid', example: '4f1c2a7e-8b1d-4c52-9d55-0f3a6b2e9c11' })
  id!: string;

  @ApiProperty({ example: 'https://hooks.example.com/rapidrtmp' })
  url!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Chat bot: announce streams' })
  description!: string | null;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    isArray: true,
    example: ['stream.started', 'stream.ended'],
    description: 'Subscribed event types; empty means all',
  })
  events!: string[];

  @ApiProperty({ example: true })
  enabled!: boolean;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, example: '0b6f7d1e-3c9a-4e8f-a2d4-5b7c9e1f3a20' })
  createdBy!: string | null;

  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' })
  updatedAt!: Date;
}

/** The creation answer: the only time the secret is shown. */
export class CreatedWebhookDto extends WebhookDto {
  @ApiProperty({
    description: 'Signing secret (`whsec_` + base64 of 32 bytes). Shown only in this response: store it now.',
    example: 'whsec_65mz0IRFrW4cvYMLsEJH3z4St76bURHR/qh4gfaI6kc=',
  })
  secret!: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', example: '9d2b3c4e-5f60-4a71-8b92-a3b4c5d6e7f8' })
  id!: string;

  @ApiProperty({
    format: 'uuid',
    description: 'Event id (the `webhook-id` header)',
    example: '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6',
  })
  eventId!: string;

  @ApiProperty({ example: 'stream.ended' })
  eventType!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'succeeded' })
  status!: DeliveryStatus;

  @ApiProperty({ description: 'Attempts made so far', example: 3 })
  attempts!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the last attempt', example: 200 })
  lastStatusCode!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why the last attempt failed', example: 'HTTP 500' })
  lastError!: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 42 })
  lastDurationMs!: number | null;

  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' })
  createdAt!: Date;

  @ApiProperty({ type: Date, nullable: true, example: '2026-11-24T10:00:03.100Z' })
  deliveredAt!: Date | null;

  @ApiProperty({
    type: Date,
    nullable: true,
    description: 'When the next attempt is due (pending deliveries only)',
    example: null,
  })
  nextAttemptAt!: Date | null;
}

export class QueuedTestDto {
  @ApiProperty({ format: 'uuid', description: 'The queued delivery; watch it in the delivery log' })
  deliveryId!: string;

  @ApiProperty({ format: 'uuid', description: 'The event id (the `webhook-id` header)' })
  eventId!: string;
}
