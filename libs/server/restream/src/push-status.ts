import type { PushTargetEntity } from '@rapidrtmp/server-persistence';
import type { PushTargetStatusDto } from '@rapidrtmp/server-streams';

/** A target with no push running: its key is not live (or the live stream has not picked it up yet), or it is off. */
export function restingStatus(target: Pick<PushTargetEntity, 'id' | 'label' | 'enabled'>): PushTargetStatusDto {
  return {
    targetId: target.id,
    label: target.label,
    state: target.enabled ? 'idle' : 'disabled',
    lastError: null,
    bytesSent: 0,
    connectedAt: null,
    retryAt: null,
    reconnects: 0,
    droppedPackets: 0,
  };
}
