import { Injectable } from '@nestjs/common';
import type { EndReason } from '@rapidrtmp/server-domain';
import type { LiveKeys } from '@rapidrtmp/server-stream-keys';
import { LiveStreamRegistry } from './live-stream-registry.js';
import { StreamControl } from './stream-control.service.js';

/** The stream-keys lib's view of the live side (bound as its LiveKeys): the registry and StreamControl. */
@Injectable()
export class LiveKeysAdapter implements LiveKeys {
  constructor(
    private readonly registry: LiveStreamRegistry,
    private readonly control: StreamControl,
  ) {}

  isLive(streamKeyId: string): boolean {
    return this.registry.byStreamKeyId(streamKeyId) !== undefined;
  }

  forget(streamKeyId: string): void {
    this.control.forget(streamKeyId);
  }

  stopKey(streamKeyId: string, reason: EndReason, by: string | null): boolean {
    return this.control.stopKey(streamKeyId, reason, by);
  }
}
