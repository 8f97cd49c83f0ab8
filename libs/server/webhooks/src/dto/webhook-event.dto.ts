import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { END_REASONS } from '@rapidrtmp/server-domain';
import { WEBHOOK_EVENT_TYPES } from '../webhook-events.js';

/** Documentation of the delivered JSON (OpenAPI callback body); the code builds `WebhookEvent`. */
export class WebhookStreamDataDto {
  @ApiProperty({ format: 'uuid', description: 'Stream session id', example: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' })
  streamId!: string;

  @ApiProperty({ example: 'pb_x7Yq2mK9' })
  playbackId!: string;

  @ApiProperty({ format: 'uuid', description: 'Stream key id (never the key itself)' })
  streamKeyId!: string;

  @ApiProperty({ example: 'Studio A' })
  keyLabel!: string;

  @ApiProperty({ format: 'uuid' })
  ownerId!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  ownerName!: string;

  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' })
  startedAt!: string;

  @ApiPropertyOptional({ description: 'stream.ended / stream.stopped', example: '2026-11-24T11:00:00.000Z' })
  endedAt?: string;

  @ApiPropertyOptional({ enum: END_REASONS, example: 'publisher_disconnect' })
  endReason?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The moderator who stopped the stream (stream.stopped)',
  })
  stoppedBy?: string | null;

  @ApiPropertyOptional({ description: 'Bytes received from the publisher', example: 1843200000 })
  bytesIn?: number;

  @ApiPropertyOptional({ example: 3600.25 })
  durationSeconds?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'restream.*: the push target' })
  targetId?: string;

  @ApiPropertyOptional({ example: 'YouTube', description: 'restream.*' })
  targetLabel?: string;

  @ApiPropertyOptional({
    example: 'rtmp://a.rtmp.youtube.com/live2',
    description: 'restream.*: the target URL, never its stream key',
  })
  targetUrl?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'connect ECONNREFUSED 203.0.113.7:1935',
    description: 'restream.*: why the push failed (for restream.recovered, the last failure)',
  })
  error?: string | null;

  @ApiPropertyOptional({ example: 3, description: 'restream.*: attempts that failed in this outage' })
  attempts?: number;

  @ApiPropertyOptional({ example: '2026-11-24T10:05:00.000Z', description: 'restream.*: when the outage began' })
  failedAt?: string;

  @ApiPropertyOptional({ example: '2026-11-24T10:05:12.000Z', description: 'restream.recovered' })
  recoveredAt?: string;
}

export class WebhookEventDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Event id, equal to the webhook-id header; the same on every retry',
    example: '1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6',
  })
  id!: string;

  @ApiProperty({
    enum: [...WEBHOOK_EVENT_TYPES, 'webhook.test'],
    example: 'stream.started',
  })
  type!: string;

  @ApiProperty({ example: '2026-11-24T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({
    type: WebhookStreamDataDto,
    description:
      'The stream; restream.failed / restream.recovered add the push target. webhook.test carries `{ message }` instead',
  })
  data!: WebhookStreamDataDto;
}
