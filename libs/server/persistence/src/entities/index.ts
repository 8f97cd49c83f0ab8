import { ApiTokenEntity } from './api-token.entity.js';
import { AuditEventEntity } from './audit-event.entity.js';
import { StreamKeyEntity } from './stream-key.entity.js';
import { StreamSessionEntity } from './stream-session.entity.js';
import { UserEntity } from './user.entity.js';

export * from './api-token.entity.js';
export * from './audit-event.entity.js';
export * from './stream-key.entity.js';
export * from './stream-session.entity.js';
export * from './user.entity.js';

export const ENTITIES = [UserEntity, StreamKeyEntity, ApiTokenEntity, StreamSessionEntity, AuditEventEntity];
