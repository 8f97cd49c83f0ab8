import type { EndReason } from '@rapidrtmp/server-domain';

/**
 * The live side of stream keys: whether one is publishing, and stopping it. The streams lib builds on this
 * one (its StreamControl uses the authorizer), so it implements and binds this; stream-keys never imports it.
 */
export abstract class LiveKeys {
  /** A publisher is live on this key right now (on this node). */
  abstract isLive(streamKeyId: string): boolean;
  /** The key's settings changed: the next publish reads them fresh. */
  abstract forget(streamKeyId: string): void;
  /** Forgets the cached publish decision and stops the key's live stream, if any. */
  abstract stopKey(streamKeyId: string, reason: EndReason, by: string | null): boolean;
}
