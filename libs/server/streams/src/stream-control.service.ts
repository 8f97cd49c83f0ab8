import { Injectable } from '@nestjs/common';
import type { EndReason } from '@rapidrtmp/server-domain';
import { StreamKeyAuthorizer } from '@rapidrtmp/server-stream-keys';
import { LiveStreamRegistry } from './live-stream-registry.js';

/** Disconnects publishers when moderation, revocation or an account change takes their right away. */
@Injectable()
export class StreamControl {
  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly authorizer: StreamKeyAuthorizer,
  ) {}

  /** A key's settings changed: the next publish reads them fresh. */
  forget(streamKeyId: string): void {
    this.authorizer.invalidate(streamKeyId);
  }

  /** Forgets the cached key decision and stops the key's live stream, if any. */
  stopKey(streamKeyId: string, reason: EndReason, by: string | null): boolean {
    this.authorizer.invalidate(streamKeyId);
    const stream = this.registry.byStreamKeyId(streamKeyId);
    if (!stream || stream.ended) return false;
    stream.publisher.close(reason, by);
    return true;
  }

  /** Stops every live stream of a user. */
  stopUser(userId: string, reason: EndReason, by: string | null): number {
    this.authorizer.invalidate();
    let stopped = 0;
    for (const stream of this.registry.list()) {
      if (stream.info.ownerId !== userId || stream.ended) continue;
      stream.publisher.close(reason, by);
      stopped++;
    }
    return stopped;
  }
}
