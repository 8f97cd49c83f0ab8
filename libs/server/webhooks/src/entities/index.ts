import { WebhookDeliveryEntity, WebhookEndpointEntity } from '@rapidrtmp/server-persistence';

// The tables live with the rest of the schema in libs/server/persistence (one migrations list).
export {
  DELIVERY_STATUSES,
  WebhookDeliveryEntity,
  WebhookEndpointEntity,
  type DeliveryStatus,
} from '@rapidrtmp/server-persistence';

/** The entities this module reads and writes. */
export const WEBHOOK_ENTITIES = [WebhookEndpointEntity, WebhookDeliveryEntity];
