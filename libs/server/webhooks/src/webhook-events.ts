import { randomUUID } from 'node:crypto';
import type { EndReason } from '@rapidrtmp/server-domain';
import type { EndedSession, LiveStream, LiveStreamInfo } from '@rapidrtmp/server-streams';

/** Event types an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'stream.started',
  'stream.ended',
  'stream.stopped',
  'restream.failed',
  'restream.recovered',
] as const;
export type SubscribableEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** A stream's own lifecycle (`streamEvent`). */
export type StreamLifecycleEventType = Extract<SubscribableEventType, `stream.${string}`>;
/**
 * A push target of a live stream (`restreamEvent`): `restream.failed` once per outage (the push dropped after
 * being live, or it has not gone live after 3 attempts), `restream.recovered` when a failed target is live again.
 */
export type RestreamEventType = Extract<SubscribableEventType, `restream.${string}`>;

/** `webhook.test` goes only to the endpoint it was requested for, whatever it subscribes to. */
export type WebhookEventType = SubscribableEventType | 'webhook.test';

/** What receivers learn about a stream. Never the stream key (a secret): its id and label only. */
export interface StreamEventData {
  /** The stream session id. */
  streamId: string;
  playbackId: string;
  streamKeyId: string;
  keyLabel: string;
  ownerId: string;
  ownerName: string;
  startedAt: string;
  endedAt?: string;
  endReason?: EndReason;
  /** The user who stopped the stream (`stream.stopped`, and `stream.ended` for the same stop). */
  stoppedBy?: string | null;
  bytesIn?: number;
  durationSeconds?: number;
}

/** The stream and the push target; never the target's stream key (its URL never contains it). */
export interface RestreamEventData extends StreamEventData {
  targetId: string;
  targetLabel: string;
  /** `rtmp[s]://host[:port]/app`, without the stream key. */
  targetUrl: string;
  /** Why it failed (`restream.failed`), or the last failure before recovering. */
  error: string | null;
  /** Attempts that failed in this outage. */
  attempts: number;
  /** When the outage began. */
  failedAt: string;
  /** `restream.recovered`: when the target was live again. */
  recoveredAt?: string;
}

/** What the restream runtime knows of a target when it fails or recovers. */
export interface RestreamEventInput {
  targetId: string;
  targetLabel: string;
  targetUrl: string;
  error: string | null;
  attempts: number;
  failedAt: Date;
}

export interface TestEventData {
  message: string;
}

/** The JSON body of a delivery. `id` is also the `webhook-id` header and the same on every retry. */
export interface WebhookEvent<D = StreamEventData | RestreamEventData | TestEventData> {
  id: string;
  type: WebhookEventType;
  /** ISO 8601, when the event happened. */
  createdAt: string;
  data: D;
}

/** A stream lifecycle event, built synchronously from the stream as it is now. */
export function streamEvent(
  type: StreamLifecycleEventType,
  stream: LiveStream,
  at: Date = new Date(),
): WebhookEvent<StreamEventData> {
  const data = streamIdentity(stream.info);
  if (type !== 'stream.started') {
    data.endedAt = at.toISOString();
    if (stream.ending) data.endReason = stream.ending.reason;
    if (stream.ending?.stoppedBy || type === 'stream.stopped') data.stoppedBy = stream.ending?.stoppedBy ?? null;
    data.bytesIn = stream.stats.bytesIn;
    data.durationSeconds = Math.max(0, Math.round(at.getTime() - stream.info.startedAt.getTime()) / 1000);
  }
  return { id: randomUUID(), type, createdAt: at.toISOString(), data };
}

/** A push target failed or recovered during a live stream, built synchronously from what the runtime knows. */
export function restreamEvent(
  type: RestreamEventType,
  stream: LiveStreamInfo,
  target: RestreamEventInput,
  at: Date = new Date(),
): WebhookEvent<RestreamEventData> {
  const data: RestreamEventData = {
    ...streamIdentity(stream),
    targetId: target.targetId,
    targetLabel: target.targetLabel,
    targetUrl: target.targetUrl,
    error: target.error,
    attempts: target.attempts,
    failedAt: target.failedAt.toISOString(),
  };
  if (type === 'restream.recovered') data.recoveredAt = at.toISOString();
  return { id: randomUUID(), type, createdAt: at.toISOString(), data };
}

function streamIdentity(info: LiveStreamInfo): StreamEventData {
  return {
    streamId: info.id,
    playbackId: info.playbackId,
    streamKeyId: info.streamKeyId,
    keyLabel: info.keyLabel,
    ownerId: info.ownerId,
    ownerName: info.ownerName,
    startedAt: info.startedAt.toISOString(),
  };
}

/** `stream.ended` for a session a lost node left open (ended by another node, `node_lost`). */
export function lostSessionEvent(session: EndedSession): WebhookEvent<StreamEventData> {
  const data: StreamEventData = {
    streamId: session.id,
    playbackId: session.playbackId ?? '',
    streamKeyId: session.streamKeyId ?? '',
    keyLabel: session.keyLabel ?? '',
    ownerId: session.ownerId ?? '',
    ownerName: session.ownerName ?? '',
    startedAt: session.startedAt.toISOString(),
    endedAt: session.endedAt.toISOString(),
    endReason: 'node_lost',
    bytesIn: session.bytesIn,
    durationSeconds: Math.max(0, Math.round(session.endedAt.getTime() - session.startedAt.getTime()) / 1000),
  };
  return { id: randomUUID(), type: 'stream.ended', createdAt: session.endedAt.toISOString(), data };
}

export function testEvent(at: Date = new Date()): WebhookEvent<TestEventData> {
  return {
    id: randomUUID(),
    type: 'webhook.test',
    createdAt: at.toISOString(),
    data: { message: 'Test event from RapidRTMP: your endpoint is reachable and the signature can be verified.' },
  };
}

const EVENT_KEYS = ['id', 'type', 'createdAt', 'data'];
const DATA_KEYS = [
  'streamId',
  'playbackId',
  'streamKeyId',
  'keyLabel',
  'ownerId',
  'ownerName',
  'startedAt',
  'endedAt',
  'endReason',
  'stoppedBy',
  'bytesIn',
  'durationSeconds',
  'targetId',
  'targetLabel',
  'targetUrl',
  'error',
  'attempts',
  'failedAt',
  'recoveredAt',
];

/**
 * The request body. The payload comes back from `jsonb` with its keys re-ordered (jsonb sorts them), so
 * the documented order is restored for readability; receivers must not depend on key order anyway.
 */
export function serializeEvent(event: WebhookEvent | Record<string, unknown>): string {
  const record = event as Record<string, unknown>;
  const data = record.data;
  const ordered = inOrder(record, EVENT_KEYS);
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    ordered.data = inOrder(data as Record<string, unknown>, DATA_KEYS);
  }
  return JSON.stringify(ordered);
}

function inOrder(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (key in record) out[key] = record[key];
  for (const key of Object.keys(record)) if (!(key in out)) out[key] = record[key];
  return out;
}
