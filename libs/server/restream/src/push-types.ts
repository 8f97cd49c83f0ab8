import type { PushTargetAddress } from './push-target-url.js';

/** A target as a relay uses it: where, and the stream key in clear (only in memory, never logged). */
export interface PushTarget {
  id: string;
  label: string;
  address: PushTargetAddress;
  streamKey: string;
}

/** The bounds of a push. */
export interface PushTiming {
  /** Connect + TLS + handshake + publish must be done within this. */
  connectTimeoutMs: number;
  /** Backoff between attempts: base, doubling, capped (equal jitter). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A socket that takes nothing for this long while media waits ends the attempt. */
  stallTimeoutMs: number;
  /** Media a slow target may fall behind before it is dropped to the next keyframe. */
  maxQueuedBytes: number;
  /** Our RTMP chunk size. */
  outgoingChunkSize: number;
  /** Failed attempts before a target that has not been live in this stream is reported failed. */
  failAfterAttempts: number;
}

export const DEFAULT_PUSH_TIMING: PushTiming = {
  connectTimeoutMs: 10_000,
  retryBaseMs: 1000,
  retryMaxMs: 30_000,
  stallTimeoutMs: 20_000,
  maxQueuedBytes: 4 * 1024 * 1024,
  outgoingChunkSize: 4096,
  failAfterAttempts: 3,
};
