import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { LiveStreamRegistry } from '@rapidrtmp/server-streams';
import type { WebhookDeliveryWorker } from './delivery-worker.js';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import type { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import type { WebhookEvent } from './webhook-events.js';

function setup(enqueue: (event: WebhookEvent) => Promise<number>) {
  const registry = new LiveStreamRegistry();
  const kicks: number[] = [];
  const deliveries = { enqueueForSubscribers: enqueue } as unknown as WebhookDeliveriesRepository;
  const worker = { kick: () => kicks.push(Date.now()) } as unknown as WebhookDeliveryWorker;
  const dispatcher = new WebhookDispatcher(registry, deliveries, worker, createLogger('silent'), new MetricsRegistry());
  dispatcher.start();
  return { registry, dispatcher, kicks };
}

describe('WebhookDispatcher', () => {
  it('queues stream.started and stream.ended in order, and kicks the worker', async () => {
    const queued: WebhookEvent[] = [];
    const { registry, dispatcher, kicks } = setup(async (event) => {
      // The first insert is the slow one: order must hold anyway.
      await new Promise((r) => setTimeout(r, queued.length === 0 ? 30 : 0));
      queued.push(event);
      return 1;
    });
    const stream = makeLiveStream();
    registry.add(stream);
    stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
    registry.remove(stream);
    await dispatcher.idle();
    assert.deepEqual(
      queued.map((e) => e.type),
      ['stream.started', 'stream.ended'],
    );
    assert.equal(kicks.length, 2);
    await dispatcher.stop();
  });

  it('adds stream.stopped when a moderator stopped the stream', async () => {
    const queued: WebhookEvent[] = [];
    const { registry, dispatcher } = setup(async (event) => {
      queued.push(event);
      return 0;
    });
    const stream = makeLiveStream();
    registry.add(stream);
    stream.end({ reason: 'stopped_by_moderator', graceful: true, stoppedBy: 'moderator-1' });
    registry.remove(stream);
    await dispatcher.idle();
    assert.deepEqual(
      queued.map((e) => e.type),
      ['stream.started', 'stream.ended', 'stream.stopped'],
    );
    const stopped = queued[2]!.data as { endReason: string; stoppedBy: string };
    assert.equal(stopped.endReason, 'stopped_by_moderator');
    assert.equal(stopped.stoppedBy, 'moderator-1');
    await dispatcher.stop();
  });

  it('never throws into the registry nor blocks it when the database fails', async () => {
    let calls = 0;
    const { registry, dispatcher, kicks } = setup(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('database is down')) : new Promise(() => undefined);
    });
    const stream = makeLiveStream();
    assert.doesNotThrow(() => registry.add(stream));
    await dispatcher.idle();
    // A second insert that never settles does not hold up the registry either.
    assert.doesNotThrow(() => registry.remove(stream));
    assert.equal(registry.size, 0);
    assert.equal(kicks.length, 0);
  });

  it('stops listening when stopped', async () => {
    const queued: WebhookEvent[] = [];
    const { registry, dispatcher } = setup(async (event) => {
      queued.push(event);
      return 1;
    });
    await dispatcher.stop();
    registry.add(makeLiveStream());
    await dispatcher.idle();
    assert.equal(queued.length, 0);
  });
});
