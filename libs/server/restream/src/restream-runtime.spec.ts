import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ClusterControl, ControlHandler, ControlMessage } from '@rapidrtmp/server-cluster';
import { loadConfig } from '@rapidrtmp/server-config';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import type { PushTargetEntity } from '@rapidrtmp/server-persistence';
import { SecretBox } from '@rapidrtmp/server-secrets';
import { LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import type { WebhookDispatcher, WebhookEvent } from '@rapidrtmp/server-webhooks';
import { freePort, waitFor } from '@rapidrtmp/test-support';
import type { PushTargetsRepository } from './push-targets.repository.js';
import { DEFAULT_PUSH_TIMING } from './push-types.js';
import { RestreamRuntime } from './restream-runtime.js';
import { RtmpTarget } from './testing/rtmp-target.js';

const box = new SecretBox(Buffer.alloc(32, 9));
let nextId = 0;

/** A push_targets row as the service writes it (the key sealed for its id). */
function row(streamKeyId: string, values: Partial<PushTargetEntity> & { url: string; key?: string }): PushTargetEntity {
  const id = `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`;
  const { key = `key-of-${id}`, ...rest } = values;
  return {
    id,
    streamKeyId,
    label: `target ${nextId}`,
    streamKeySealed: box.seal(key, id),
    streamKeyHint: '',
    enabled: true,
    createdAt: new Date(Date.now() + nextId),
    updatedAt: new Date(),
    ...rest,
  };
}

/** The runtime over an in-memory push_targets table, with a recording cluster channel and webhook dispatcher. */
function setup() {
  const rows: PushTargetEntity[] = [];
  const targets = {
    async listByKey(streamKeyId) {
      return rows.filter((r) => r.streamKeyId === streamKeyId).map((r) => ({ ...r }));
    },
    async versions(streamKeyIds) {
      return rows.filter((r) => streamKeyIds.includes(r.streamKeyId)).map((r) => ({ ...r }));
    },
  } satisfies Partial<PushTargetsRepository>;
  const handlers: ControlHandler[] = [];
  const published: ControlMessage[] = [];
  const cluster = {
    subscribe: (handler: ControlHandler) => {
      handlers.push(handler);
      return () => undefined;
    },
    publish: async (message: ControlMessage) => void published.push(message),
  } satisfies Partial<ClusterControl>;
  const events: WebhookEvent[] = [];
  const webhooks = {
    publish: (build: () => WebhookEvent) => void events.push(build()),
  } satisfies Partial<WebhookDispatcher>;
  const registry = new LiveStreamRegistry();
  const runtime = new RestreamRuntime(
    registry,
    targets as unknown as PushTargetsRepository,
    box,
    new OutboundGuard(OutboundPolicy.allowing(['127.0.0.0/8'])),
    loadConfig({}),
    createLogger('silent'),
    new MetricsRegistry(),
    { timing: { ...DEFAULT_PUSH_TIMING, retryBaseMs: 30, retryMaxMs: 100 }, reconcileIntervalMs: 3_600_000 },
    webhooks as unknown as WebhookDispatcher,
    cluster as unknown as ClusterControl,
  );
  runtime.onModuleInit();
  return { runtime, rows, registry, handlers, published, events };
}

describe('RestreamRuntime', { timeout: 60_000 }, () => {
  const servers: RtmpTarget[] = [];
  const start = async () => {
    const server = await RtmpTarget.start();
    servers.push(server);
    return server;
  };
  after(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  it('pushes a live key to its enabled targets and follows changes told here, by another node, or found later', async () => {
    const { runtime, rows, registry, handlers, published } = setup();
    const [first, second] = [await start(), await start()];
    const stream = makeLiveStream();
    const key = stream.info.streamKeyId;
    const a = row(key, { url: `rtmp://127.0.0.1:${first.port}/live`, key: 'key-a-0123456789' });
    const b = row(key, { url: `rtmp://127.0.0.1:${second.port}/live`, enabled: false });
    rows.push(a, b);
    registry.add(stream);
    await runtime.settled();
    const state = (id: string) => runtime.statusOf(key).find((s) => s.targetId === id)?.state;
    await waitFor('a live', () => state(a.id) === 'live' || undefined, 5000, 10);
    assert.equal(state(b.id), 'disabled');
    assert.deepEqual(
      first.publishes.map((p) => p.streamName),
      ['key-a-0123456789'],
    );

    // Told here (the API on this node): a rename keeps the push going under its new label.
    Object.assign(a, { label: 'renamed', updatedAt: new Date(Date.now() + 1000) });
    runtime.targetsChanged(key);
    await runtime.settled();
    assert.deepEqual(published, [{ type: 'push-targets-changed', streamKeyId: key }], 'the other nodes are told');
    assert.equal(runtime.statusOf(key).find((s) => s.targetId === a.id)?.label, 'renamed');
    assert.equal(first.connections, 1, 'not reconnected for a rename');

    // Told by another node: a new URL moves the push.
    a.url = `rtmp://127.0.0.1:${second.port}/live`;
    a.updatedAt = new Date(Date.now() + 2000);
    for (const handler of handlers) handler({ type: 'push-targets-changed', streamKeyId: key });
    await runtime.settled();
    await waitFor('a on the second server', () => second.publishes.length === 1 || undefined, 5000, 10);
    await waitFor('a left the first', () => first.unpublishes.length === 1 || undefined, 5000, 10);

    // Not told at all (a lost control message): the periodic check finds the change.
    Object.assign(b, { enabled: true, updatedAt: new Date(Date.now() + 3000) });
    await runtime.reconcile();
    await runtime.settled();
    await waitFor('b live', () => state(b.id) === 'live' || undefined, 5000, 10);

    registry.remove(stream);
    assert.deepEqual(runtime.statusOf(key), []);
    await waitFor('both unpublished', () => second.unpublishes.length === 2 || undefined, 5000, 10);
  });

  it('reports a target whose stored key this server cannot read, and a refused target as failed once', async () => {
    const { runtime, rows, registry, events } = setup();
    const stream = makeLiveStream();
    const key = stream.info.streamKeyId;
    const foreign = row(key, { url: 'rtmp://127.0.0.1:1/live' });
    foreign.streamKeySealed = new SecretBox(Buffer.alloc(32, 1)).seal('x', foreign.id);
    const refused = row(key, { url: `rtmp://127.0.0.1:${await freePort()}/live`, label: 'nobody home' });
    rows.push(foreign, refused);
    registry.add(stream);
    await runtime.settled();
    const [unreadable] = runtime.statusOf(key);
    assert.equal(unreadable?.state, 'retrying');
    assert.match(
      unreadable?.lastError ?? '',
      /cannot read the stored stream key \(wrong-key: .*\); enter the key again/,
    );
    await waitFor('reported', () => events.length > 0 || undefined, 5000, 10);
    await new Promise((resolve) => setTimeout(resolve, 300)); // more failed attempts: still one event
    assert.deepEqual(
      events.map((e) => [e.type, (e.data as { targetLabel?: string }).targetLabel]),
      [['restream.failed', 'nobody home']],
    );
    registry.remove(stream);
  });
});
