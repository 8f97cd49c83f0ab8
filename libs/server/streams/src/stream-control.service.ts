import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { ClusterControl, type ControlMessage } from '@rapidrtmp/server-cluster';
import type { EndReason } from '@rapidrtmp/server-domain';
import { StreamKeyAuthorizer } from '@rapidrtmp/server-stream-keys';
import { LiveStreamRegistry } from './live-stream-registry.js';

/**
 * Disconnects publishers when moderation, revocation or an account change takes their right away, on
 * whichever node they publish: each call acts on this node at once and tells the other nodes (control
 * messages), which apply the same to their own streams and cached key decisions.
 */
@Injectable()
export class StreamControl implements OnModuleInit {
  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly authorizer: StreamKeyAuthorizer,
    @Optional() private readonly cluster?: ClusterControl,
  ) {}

  onModuleInit(): void {
    this.cluster?.subscribe((message) => this.apply(message));
  }

  /** A key's settings changed: the next publish (on any node) reads them fresh. */
  forget(streamKeyId: string): void {
    this.apply({ type: 'forget-key', streamKeyId });
    void this.cluster?.publish({ type: 'forget-key', streamKeyId });
  }

  /** Forgets the cached key decision and stops the key's live stream, wherever it is; true if it is here. */
  stopKey(streamKeyId: string, reason: EndReason, by: string | null): boolean {
    const message: ControlMessage = { type: 'stop-key', streamKeyId, reason, stoppedBy: by };
    void this.cluster?.publish(message);
    return this.apply(message) > 0;
  }

  /** Stops every live stream of a user, on every node; returns how many were on this node. */
  stopUser(userId: string, reason: EndReason, by: string | null): number {
    const message: ControlMessage = { type: 'stop-user', userId, reason, stoppedBy: by };
    void this.cluster?.publish(message);
    return this.apply(message);
  }

  /** Applies a control message to this node; returns how many of its streams were stopped. */
  private apply(message: ControlMessage): number {
    switch (message.type) {
      case 'forget-key':
        this.authorizer.invalidate(message.streamKeyId);
        return 0;
      case 'stop-key': {
        this.authorizer.invalidate(message.streamKeyId);
        const stream = this.registry.byStreamKeyId(message.streamKeyId);
        if (!stream || stream.ended) return 0;
        stream.publisher.close(message.reason, message.stoppedBy);
        return 1;
      }
      case 'push-targets-changed':
        return 0; // the restream runtime's own subscription acts on it
      case 'stop-user': {
        this.authorizer.invalidateOwner(message.userId);
        let stopped = 0;
        for (const stream of this.registry.list()) {
          if (stream.info.ownerId !== message.userId || stream.ended) continue;
          stream.publisher.close(message.reason, message.stoppedBy);
          stopped++;
        }
        return stopped;
      }
    }
  }
}
