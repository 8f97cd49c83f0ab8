import { randomUUID } from 'node:crypto';
import type { EndReason } from '@rapidrtmp/server-domain';
import type { EndedSession, LiveStream } from '@rapidrtmp/server-streams';

/** Event types an endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['stream.started', 'stream.ended', 'stream.stopped'] as const;
export type SubscribableEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

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

export interface TestEventData {
  message: string;
}

/** The JSON body of a delivery. `id` is also the `webhook-id` header and the same on every retry. */
export interface WebhookEvent<D = StreamEventData | TestEventData> {
  id: string;
  type: WebhookEventType;
  /** ISO 8601, when the event happened. */
  createdAt: string;
  data: D;
}

/** A stream lifecycle event, built synchronously from the stream as it is now. */
export function streamEvent(
  type: SubscribableEventType,
  stream: LiveStream,
  at: Date = new Date(),
): WebhookEvent<StreamEventData> {
  const { info } = stream;
  const data: StreamEventData = {
    streamId: info.id,
    playbackId: info.playbackId,
    streamKeyId: info.streamKeyId,
    keyLabel: info.keyLabel,
    ownerId: info.ownerId,
    ownerName: info.ownerName,
    startedAt: info.startedAt.toISOString(),
  };
  if (type !== 'stream.started') {
    data.endedAt = at.toISOString();
    if (stream.ending) data.endReason = stream.ending.reason;
    if (stream.ending?.stoppedBy || type === 'stream.stopped') data.stoppedBy = stream.ending?.stoppedBy ?? null;
    data.bytesIn = stream.stats.bytesIn;
    data.durationSeconds = Math.max(0, Math.round(at.getTime() - info.startedAt.getTime()) / 1000);
  }
  return { id: randomUUID(), type, createdAt: at.toISOString(), data };
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
