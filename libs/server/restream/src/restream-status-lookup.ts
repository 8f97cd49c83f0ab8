import { Injectable, Optional } from '@nestjs/common';
import {
  ClusterStreams,
  LiveStreamRegistry,
  type PushTargetStatusDto,
  StreamSessionsRepository,
} from '@rapidrtmp/server-streams';
import { RestreamRuntime } from './restream-runtime.js';

/**
 * Where a key's pushes stand, wherever it is live: from this node's runtime, or from the node that owns the
 * stream (its stream detail carries the push status); empty when the key is not live.
 */
@Injectable()
export class RestreamStatusLookup {
  constructor(
    private readonly runtime: RestreamRuntime,
    private readonly registry: LiveStreamRegistry,
    @Optional() private readonly sessions?: StreamSessionsRepository,
    @Optional() private readonly cluster?: ClusterStreams,
  ) {}

  async forKey(streamKeyId: string): Promise<PushTargetStatusDto[]> {
    if (this.registry.byStreamKeyId(streamKeyId)) return this.runtime.statusOf(streamKeyId);
    if (!this.sessions || !this.cluster) return [];
    const open = await this.sessions.openOfKey(streamKeyId);
    if (!open) return [];
    return (await this.cluster.detail(open.id))?.pushTargets ?? [];
  }
}
