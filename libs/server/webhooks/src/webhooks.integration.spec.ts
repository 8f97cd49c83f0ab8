import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { createLogger } from '@rapidrtmp/server-logging';
import { MetricsRegistry } from '@rapidrtmp/server-metrics';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import { tableResolver } from '@rapidrtmp/server-outbound/testing';
import {
  AuditEventEntity,
  AuditLog,
  dataSourceOptions,
  ENTITIES,
  MIGRATIONS,
  type DatabaseTarget,
} from '@rapidrtmp/server-persistence';
import {
  createTestDatabase,
  startEmbeddedTestDatabase,
  type TestDatabase,
} from '@rapidrtmp/server-persistence/testing';
import { LiveStreamRegistry } from '@rapidrtmp/server-streams';
import { waitFor } from '@rapidrtmp/test-support';
import { DataSource } from 'typeorm';
import { WebhookDeliveryWorker } from './delivery-worker.js';
import { WebhookDeliveryEntity, WebhookEndpointEntity } from './entities/index.js';
import { makeLiveStream } from '@rapidrtmp/server-streams/testing';
import { type ReceivedRequest, WebhookReceiver } from './testing/webhook-receiver.js';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository.js';
import type { WebhookOptions } from './webhook-options.js';
import { WebhooksService } from './webhooks.service.js';

const OPTIONS: Partial<WebhookOptions> = {
  backoffBaseMs: 50,
  backoffMaxMs: 400,
  maxAttempts: 4,
  requestTimeoutMs: 300,
  pollIntervalMs: 250,
};

/**
 * Names resolved by the tests instead of DNS (a hostile name that points inside, and one for the local
 * receiver); `resolved` counts lookups.
 */
const { resolver: testResolver, calls: resolved } = tableResolver({
  'internal.test': ['10.0.0.1'],
  'receiver.test': ['127.0.0.1'],
});
/** The receiver is on 127.0.0.1: allowed here as OUTBOUND_ALLOW_CIDRS=127.0.0.0/8,::1/128 would. */
const GUARD = new OutboundGuard(OutboundPolicy.allowing(['127.0.0.0/8', '::1/128']), testResolver);

/** Checks a delivery the way a receiver would, from the documented recipe (not the module's signing code). */
function verifySignature(secret: string, request: ReceivedRequest): boolean {
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = Buffer.from(createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64'));
  const given = Buffer.from(String(request.headers['webhook-signature']).replace(/^v1,/, ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Backend {
  name: string;
  open(): Promise<{ target: DatabaseTarget; cleanup: () => Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'PostgreSQL',
    async open() {
      const db: TestDatabase = await createTestDatabase('rr_webhooks');
      return { target: { databaseUrl: db.url }, cleanup: () => db.drop() };
    },
  },
  {
    name: 'the embedded PostgreSQL',
    async open() {
      const db = await startEmbeddedTestDatabase();
      return { target: db.target, cleanup: () => db.drop() };
    },
  },
];

for (const backend of BACKENDS) {
  describe(`webhook delivery on ${backend.name}`, () => {
    let cleanup: () => Promise<void>;
    let dataSource: DataSource;
    let registry: LiveStreamRegistry;
    let deliveries: WebhookDeliveriesRepository;
    let worker: WebhookDeliveryWorker;
    let dispatcher: WebhookDispatcher;
    let service: WebhooksService;
    let adminId: string;
    const receiver = new WebhookReceiver();
    const logger = createLogger('silent');
    const metrics = new MetricsRegistry();

    before(async () => {
      const opened = await backend.open();
      cleanup = opened.cleanup;
      dataSource = await new DataSource({
        ...dataSourceOptions(opened.target),
        entities: ENTITIES,
        migrations: MIGRATIONS,
      }).initialize();
      await dataSource.runMigrations({ transaction: 'all' });
      [{ id: adminId }] = await dataSource.query(
        `INSERT INTO users (email, password_hash, role) VALUES ('admin@example.com', 'x', 'admin') RETURNING id`,
      );
      registry = new LiveStreamRegistry();
      deliveries = new WebhookDeliveriesRepository(dataSource.getRepository(WebhookDeliveryEntity));
      worker = new WebhookDeliveryWorker(deliveries, GUARD, logger, metrics, OPTIONS);
      dispatcher = new WebhookDispatcher(registry, deliveries, worker, logger, metrics);
      service = new WebhooksService(
        new WebhookEndpointsRepository(dataSource.getRepository(WebhookEndpointEntity)),
        deliveries,
        dispatcher,
        new AuditLog(dataSource.getRepository(AuditEventEntity)),
        GUARD,
      );
      await receiver.listen();
      dispatcher.start();
      worker.start();
    });

    after(async () => {
      await dispatcher?.stop();
      await worker?.stop();
      await receiver.close();
      await dataSource?.destroy();
      await cleanup?.();
    });

    /** An endpoint that only exists for one test, so tests do not receive each other's events. */
    async function withEndpoint(
      path: string,
      options: {
        events?: ('stream.started' | 'stream.ended' | 'stream.stopped')[];
        behaviour?: (n: number) => number | 'hang';
      },
      body: (endpoint: { id: string; secret: string; url: string }) => Promise<void>,
    ): Promise<void> {
      await withEndpointAt(receiver.url(path, options.behaviour), body, options.events);
    }

    async function withEndpointAt(
      url: string,
      body: (endpoint: { id: string; secret: string; url: string }) => Promise<void>,
      events?: ('stream.started' | 'stream.ended' | 'stream.stopped')[],
    ): Promise<void> {
      const endpoint = await service.create(adminId, { url, events });
      try {
        await body(endpoint);
      } finally {
        await service.delete(adminId, endpoint.id);
      }
    }

    function delivery(
      endpointId: string,
      predicate: (d: Awaited<ReturnType<WebhooksService['listDeliveries']>>[number]) => boolean,
    ) {
      return waitFor(
        'a delivery in the expected state',
        async () => (await service.listDeliveries(endpointId, 50)).find(predicate),
        5000,
        15,
      );
    }

    it('delivers stream.started and stream.ended, signed, and logs them', { timeout: 15_000 }, async () => {
      await withEndpoint('/lifecycle', {}, async (endpoint) => {
        const stream = makeLiveStream();
        registry.add(stream);
        // By type, not arrival order: on a loaded machine an answer can miss the 300 ms request timeout, and
        // the retry of stream.started then arrives before stream.ended.
        const received = (type: string) =>
          waitFor(
            `a ${type} request`,
            () => receiver.on('/lifecycle').find((r) => (JSON.parse(r.body) as { type: string }).type === type),
            5000,
            15,
          );
        const started = await received('stream.started');
        stream.stats.addBytes(4096);
        stream.end({ reason: 'publisher_disconnect', graceful: true, stoppedBy: null });
        registry.remove(stream);
        const ended = await received('stream.ended');

        for (const request of [started, ended]) {
          assert.equal(verifySignature(endpoint.secret, request), true);
          assert.equal(request.headers['content-type'], 'application/json');
          const seconds = Number(request.headers['webhook-timestamp']);
          assert.ok(Math.abs(seconds - Date.now() / 1000) < 60, 'timestamp is the sending time');
          assert.equal(JSON.parse(request.body).id, request.headers['webhook-id']);
        }
        const startedBody = JSON.parse(started.body);
        assert.equal(startedBody.type, 'stream.started');
        assert.deepEqual(Object.keys(startedBody), ['id', 'type', 'createdAt', 'data']);
        assert.deepEqual(startedBody.data, {
          streamId: stream.info.id,
          playbackId: stream.info.playbackId,
          streamKeyId: stream.info.streamKeyId,
          keyLabel: stream.info.keyLabel,
          ownerId: stream.info.ownerId,
          ownerName: stream.info.ownerName,
          startedAt: stream.info.startedAt.toISOString(),
        });
        const endedBody = JSON.parse(ended.body);
        assert.equal(endedBody.type, 'stream.ended');
        assert.equal(endedBody.data.endReason, 'publisher_disconnect');
        assert.equal(endedBody.data.bytesIn, 4096);
        assert.ok(endedBody.data.durationSeconds >= 90);

        const log = await delivery(endpoint.id, (d) => d.eventType === 'stream.ended' && d.status === 'succeeded');
        assert.ok(log.attempts >= 1);
        assert.equal(log.lastStatusCode, 200);
        assert.equal(log.lastError, null);
        assert.equal(log.nextAttemptAt, null);
        assert.ok(log.deliveredAt instanceof Date);
        const all = await service.listDeliveries(endpoint.id, 50);
        assert.deepEqual(
          all.map((d) => d.eventType),
          ['stream.ended', 'stream.started'],
          'newest first',
        );
      });
    });

    it('sends stream.stopped (with stoppedBy) only to endpoints subscribed to it', { timeout: 15_000 }, async () => {
      await withEndpoint('/stopped', { events: ['stream.stopped'] }, async () => {
        const stream = makeLiveStream();
        registry.add(stream);
        stream.end({ reason: 'stopped_by_moderator', graceful: true, stoppedBy: adminId });
        registry.remove(stream);
        const [stopped] = await receiver.waitFor('/stopped', 1);
        const body = JSON.parse(stopped!.body);
        assert.equal(body.type, 'stream.stopped');
        assert.equal(body.data.endReason, 'stopped_by_moderator');
        assert.equal(body.data.stoppedBy, adminId);
        await dispatcher.idle();
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(receiver.on('/stopped').length, 1, 'no stream.started / stream.ended');
      });
    });

    it('retries a receiver answering 500 twice, then succeeds on the third attempt', { timeout: 15_000 }, async () => {
      await withEndpoint(
        '/flaky',
        { events: ['stream.started'], behaviour: (n) => (n < 2 ? 500 : 200) },
        async (endpoint) => {
          registry.add(makeLiveStream());
          const requests = await receiver.waitFor('/flaky', 3);
          const log = await delivery(endpoint.id, (d) => d.status === 'succeeded');
          assert.equal(log.attempts, 3);
          assert.equal(log.lastStatusCode, 200);
          assert.equal(log.lastError, null);
          assert.equal(new Set(requests.map((r) => r.headers['webhook-id'])).size, 1, 'one event id on every retry');
          assert.ok(requests.every((r) => verifySignature(endpoint.secret, r)));
          // Exponential backoff: 50 ms, then 100 ms (timer granularity allowed for).
          assert.ok(
            requests[1]!.at - requests[0]!.at >= 40,
            `first retry after ${requests[1]!.at - requests[0]!.at} ms`,
          );
          assert.ok(
            requests[2]!.at - requests[1]!.at >= 90,
            `second retry after ${requests[2]!.at - requests[1]!.at} ms`,
          );
        },
      );
    });

    it('cuts a receiver that hangs at the timeout and retries it', { timeout: 15_000 }, async () => {
      await withEndpoint(
        '/hang',
        { events: ['stream.started'], behaviour: (n) => (n < 2 ? 'hang' : 204) },
        async (endpoint) => {
          const added = performance.now();
          registry.add(makeLiveStream());
          assert.ok(performance.now() - added < 100, 'ingest is not held up');
          const timedOut = await delivery(endpoint.id, (d) => d.status === 'pending' && d.attempts >= 1);
          assert.equal(timedOut.lastError, 'timeout after 300 ms');
          assert.equal(timedOut.lastStatusCode, null);
          assert.ok((timedOut.lastDurationMs ?? 0) >= 290, `attempt lasted ${timedOut.lastDurationMs} ms`);
          const log = await delivery(endpoint.id, (d) => d.status === 'succeeded');
          assert.equal(log.attempts, 3);
          assert.equal(log.lastStatusCode, 204);
          const requests = receiver.on('/hang');
          assert.equal(requests.length, 3);
          assert.ok(requests[1]!.at - requests[0]!.at >= 300, 'second attempt only after the first timed out');
        },
      );
    });

    it('gives up after the last attempt', { timeout: 15_000 }, async () => {
      await withEndpoint('/down', { events: ['stream.started'], behaviour: () => 503 }, async (endpoint) => {
        registry.add(makeLiveStream());
        const log = await delivery(endpoint.id, (d) => d.status === 'failed');
        assert.equal(log.attempts, 4);
        assert.equal(log.lastStatusCode, 503);
        assert.equal(log.lastError, 'HTTP 503');
        assert.equal(log.nextAttemptAt, null);
        assert.equal(log.deliveredAt, null);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(receiver.on('/down').length, 4);
      });
    });

    it(
      "does not send the rest of a failing endpoint's round, yet drains its queue to failed",
      { timeout: 15_000 },
      async () => {
        await withEndpoint('/dead', { events: ['stream.stopped'], behaviour: () => 500 }, async (endpoint) => {
          // Three events due at once, so one round claims them together.
          await dataSource.query(
            `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, next_attempt_at)
           SELECT $1, gen_random_uuid(), 'webhook.test', '{"type":"webhook.test"}'::jsonb, now() - interval '1 second'
           FROM generate_series(1, 3)`,
            [endpoint.id],
          );
          worker.kick();
          const done = await waitFor(
            'every delivery failed',
            async () => {
              const rows = await service.listDeliveries(endpoint.id, 10);
              return rows.every((d) => d.status === 'failed') ? rows : undefined;
            },
            5000,
            15,
          );
          assert.deepEqual(
            done.map((d) => d.attempts),
            [4, 4, 4],
          );
          const sent = receiver.on('/dead').length;
          // 12 attempts recorded; the first round alone skipped two sends (later rounds may skip more).
          assert.ok(sent >= 4 && sent <= 10, `${sent} requests for 12 attempts`);
        });
      },
    );

    it(
      'queues a webhook.test event for one endpoint; refuses disabled and unknown ones',
      { timeout: 15_000 },
      async () => {
        await withEndpoint('/test-event', { events: ['stream.stopped'] }, async (endpoint) => {
          const queued = await service.sendTest(endpoint.id);
          const [request] = await receiver.waitFor('/test-event', 1);
          assert.ok(request);
          const body = JSON.parse(request.body);
          assert.equal(body.type, 'webhook.test');
          assert.equal(body.id, queued.eventId);
          assert.equal(verifySignature(endpoint.secret, request), true);
          await delivery(endpoint.id, (d) => d.id === queued.deliveryId && d.status === 'succeeded');

          await service.update(adminId, endpoint.id, { enabled: false });
          await assert.rejects(service.sendTest(endpoint.id), ConflictException);
          await assert.rejects(service.sendTest('00000000-0000-4000-8000-000000000000'), NotFoundException);
        });
      },
    );

    it('two workers on one database send each delivery once', { timeout: 20_000 }, async () => {
      const second = new WebhookDeliveryWorker(deliveries, GUARD, logger, metrics, { ...OPTIONS, batchSize: 3 });
      second.start();
      try {
        await withEndpoint('/many', { events: ['stream.stopped'] }, async (endpoint) => {
          const queued = await Promise.all(Array.from({ length: 20 }, () => service.sendTest(endpoint.id)));
          second.kick();
          const requests = await receiver.waitFor('/many', 20, 10_000);
          await new Promise((r) => setTimeout(r, 300));
          assert.equal(receiver.on('/many').length, 20, 'no delivery sent twice');
          assert.deepEqual(
            new Set(requests.map((r) => r.headers['webhook-id'])),
            new Set(queued.map((q) => q.eventId)),
          );
        });
      } finally {
        await second.stop();
      }
    });

    it('prunes finished deliveries past the retention, never pending ones', { timeout: 15_000 }, async () => {
      await withEndpoint('/prune', { events: ['stream.stopped'] }, async (endpoint) => {
        const done = await service.sendTest(endpoint.id);
        await delivery(endpoint.id, (d) => d.id === done.deliveryId && d.status === 'succeeded');
        // A pending row, old but not due for a long time, must survive.
        await dataSource.query(
          `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, payload, next_attempt_at)
           VALUES ($1, gen_random_uuid(), 'webhook.test', '{}'::jsonb, now() + interval '1 hour')`,
          [endpoint.id],
        );
        await dataSource.query(
          `UPDATE webhook_deliveries SET created_at = now() - interval '40 days' WHERE endpoint_id = $1`,
          [endpoint.id],
        );
        assert.equal(await deliveries.pruneFinished(30 * 24 * 3600_000), 1);
        const left = await service.listDeliveries(endpoint.id, 10);
        assert.deepEqual(
          left.map((d) => d.status),
          ['pending'],
        );
      });
    });

    it('manages endpoints: secret once, updates, audit trail, cascading delete', { timeout: 15_000 }, async () => {
      const created = await service.create(adminId, {
        url: receiver.url('/manage?token=very-secret'),
        description: 'chat bot',
        events: ['stream.started'],
      });
      assert.match(created.secret, /^whsec_/);
      assert.equal(created.enabled, true);
      assert.equal(created.createdBy, adminId);
      const listed = (await service.list()).find((e) => e.id === created.id);
      assert.ok(listed);
      assert.equal('secret' in listed, false);
      assert.equal('secret' in (await service.get(created.id)), false);

      const updated = await service.update(adminId, created.id, {
        description: null,
        events: [],
        enabled: false,
      });
      assert.equal(updated.description, null);
      assert.deepEqual(updated.events, []);
      assert.equal(updated.enabled, false);
      assert.equal('secret' in updated, false);
      assert.ok(updated.updatedAt.getTime() >= created.updatedAt.getTime());

      // A disabled endpoint gets nothing queued.
      registry.add(makeLiveStream());
      await dispatcher.idle();
      assert.deepEqual(await service.listDeliveries(created.id, 10), []);

      await service.update(adminId, created.id, { enabled: true });
      await service.sendTest(created.id);
      assert.equal((await service.listDeliveries(created.id, 10)).length, 1);

      await service.delete(adminId, created.id);
      await assert.rejects(service.get(created.id), NotFoundException);
      await assert.rejects(service.delete(adminId, created.id), NotFoundException);
      await assert.rejects(service.update(adminId, created.id, { enabled: true }), NotFoundException);
      await assert.rejects(service.listDeliveries(created.id, 10), NotFoundException);
      const [{ count }] = await dataSource.query(
        `SELECT count(*)::int AS count FROM webhook_deliveries WHERE endpoint_id = $1`,
        [created.id],
      );
      assert.equal(count, 0);

      const audit = await dataSource.query(
        `SELECT action, actor_id, details FROM audit_events WHERE target_id = $1 ORDER BY at, action`,
        [created.id],
      );
      assert.deepEqual(
        audit.map((a: { action: string }) => a.action),
        ['webhook.created', 'webhook.updated', 'webhook.updated', 'webhook.deleted'],
      );
      assert.ok(audit.every((a: { actor_id: string }) => a.actor_id === adminId));
      assert.doesNotMatch(JSON.stringify(audit), /very-secret|whsec_/, 'no URL tokens or secrets in the audit log');
    });

    it(
      'refuses a literal internal address at creation and update with a 400 naming the rule',
      { timeout: 15_000 },
      async () => {
        const refusal = async (promise: Promise<unknown>) => {
          const error = await promise.then(
            () => assert.fail('expected a refusal'),
            (e: unknown) => e,
          );
          assert.ok(error instanceof BadRequestException);
          return error.getResponse() as { message: string; rule: string; address: string };
        };
        for (const [url, rule, address] of [
          ['http://169.254.169.254/latest/meta-data/', 'link-local', '169.254.169.254'],
          ['http://10.0.0.1:8080/hook', 'private', '10.0.0.1'],
          ['http://[fd00::1]/hook', 'unique-local', 'fd00::1'],
          ['http://0.0.0.0:9/hook', 'unspecified', '0.0.0.0'],
          ['http://[::ffff:192.168.0.1]/hook', 'private', '::ffff:c0a8:1'],
          ['http://0xa9.254.169.254/', 'link-local', '169.254.169.254'],
        ] as const) {
          const response = await refusal(service.create(adminId, { url }));
          assert.equal(response.rule, rule, url);
          assert.equal(response.address, address, url);
          assert.match(response.message, new RegExp(`^url host .*rule ${rule}\\)`), url);
        }
        // Allowed ranges and names pass; a PATCH to a refused address is refused and changes nothing.
        const allowed = await service.create(adminId, { url: 'http://[::1]:9/hook' });
        const named = await service.create(adminId, { url: 'https://hooks.example.com/rapidrtmp' });
        try {
          const response = await refusal(service.update(adminId, named.id, { url: 'http://169.254.169.254/' }));
          assert.equal(response.rule, 'link-local');
          assert.equal((await service.get(named.id)).url, 'https://hooks.example.com/rapidrtmp');
        } finally {
          await service.delete(adminId, allowed.id);
          await service.delete(adminId, named.id);
        }
      },
    );

    it(
      'refuses a host name resolving to 10.0.0.1 at delivery: failed at once, the reason in the delivery log',
      { timeout: 15_000 },
      async () => {
        const url = receiver.url('/rebound').replace('127.0.0.1', 'internal.test');
        const endpoint = await service.create(adminId, { url, events: ['stream.stopped'] });
        try {
          const lookupsBefore = resolved.get('internal.test') ?? 0;
          const queued = await service.sendTest(endpoint.id);
          const log = await delivery(endpoint.id, (d) => d.id === queued.deliveryId && d.status !== 'pending');
          assert.equal(log.status, 'failed', 'a policy refusal is not retried');
          assert.equal(log.attempts, 1);
          assert.equal(log.lastStatusCode, null);
          assert.equal(log.nextAttemptAt, null);
          assert.equal(
            log.lastError,
            'internal.test resolves to 10.0.0.1, a private-use address (RFC 1918) in 10.0.0.0/8: refused by ' +
              'the outbound address policy (rule private); OUTBOUND_ALLOW_CIDRS can allow internal ranges',
          );
          assert.ok((resolved.get('internal.test') ?? 0) > lookupsBefore, 'resolved at delivery time');
          assert.equal(receiver.on('/rebound').length, 0);
        } finally {
          await service.delete(adminId, endpoint.id);
        }
      },
    );

    it('delivers to a host name resolving to an allowed address', { timeout: 15_000 }, async () => {
      const url = receiver.url('/by-name').replace('127.0.0.1', 'receiver.test');
      await withEndpointAt(
        url,
        async (endpoint) => {
          const queued = await service.sendTest(endpoint.id);
          await delivery(endpoint.id, (d) => d.id === queued.deliveryId && d.status === 'succeeded');
          const [request] = receiver.on('/by-name');
          assert.ok(request);
          assert.equal(request.headers.host, `receiver.test:${new URL(url).port}`, 'the Host header names the host');
        },
        ['stream.stopped'],
      );
    });

    // Last: it stops the shared worker.
    it('stop() aborts a hanging request at once and hands the row back uncounted', { timeout: 15_000 }, async () => {
      await withEndpoint('/shutdown', { events: ['stream.started'], behaviour: () => 'hang' }, async (endpoint) => {
        registry.add(makeLiveStream());
        await receiver.waitFor('/shutdown', 1);
        const started = performance.now();
        await worker.stop();
        assert.ok(performance.now() - started < 2000, `stop took ${performance.now() - started} ms`);
        const [row] = await service.listDeliveries(endpoint.id, 1);
        assert.ok(row);
        assert.equal(row.status, 'pending');
        // Aborted, not timed out (that would be attempt 1 with a timeout error).
        assert.equal(row.attempts, 0);
        assert.equal(row.lastError, null);
        assert.ok(row.nextAttemptAt && row.nextAttemptAt.getTime() <= Date.now() + 1000, 'due again (lease released)');
      });
    });
  });
}
