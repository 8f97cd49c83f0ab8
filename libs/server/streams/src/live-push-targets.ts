import type { PushTargetStatusDto } from './dto/push-target-status.dto.js';

/**
 * The restream state of a key live on this node, for the stream API. The restream lib builds on this one
 * (it subscribes to live streams), so it implements and binds this in its global module; streams never imports it.
 */
export abstract class LivePushTargets {
  /** One entry per push target of the key, in the targets' order; empty when the key has none or is not live here. */
  abstract statusOf(streamKeyId: string): PushTargetStatusDto[];
}
