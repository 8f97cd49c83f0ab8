import { ApiTokenEntity } from './api-token.entity.js';
import { AuthSessionEntity } from './auth-session.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { PushTargetEntity } from './push-target.entity.js';
import { RecordingSegmentEntity } from './recording-segment.entity.js';
import { RecordingEntity } from './recording.entity.js';
import { StreamKeyEntity } from './stream-key.entity.js';
import { StreamSessionEntity } from './stream-session.entity.js';
import { UserEntity } from './user.entity.js';
import { WebhookDeliveryEntity } from './webhook-delivery.entity.js';
import { WebhookEndpointEntity } from './webhook-endpoint.entity.js';

export * from './api-token.entity.js';
export * from './auth-session.entity.js';
export * from './audit-event.entity.js';
export * from './push-target.entity.js';
export * from './recording-segment.entity.js';
export * from './recording.entity.js';
export * from './stream-key.entity.js';
export * from './stream-session.entity.js';
export * from './user.entity.js';
export * from './webhook-delivery.entity.js';
export * from './webhook-endpoint.entity.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM takes entity classes of any shape
export const ENTITIES: Function[] = [
  UserEntity,
  StreamKeyEntity,
  ApiTokenEntity,
  StreamSessionEntity,
  AuditEventEntity,
  AuthSessionEntity,
  WebhookEndpointEntity,
  WebhookDeliveryEntity,
  RecordingEntity,
  RecordingSegmentEntity,
  PushTargetEntity,
];
