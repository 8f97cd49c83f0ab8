import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@rapidrtmp/test-support';
import { type AdminServer, startAdminServer } from './support/admin-server.js';
import { startWebhookReceiver as startReceiver } from './support/webhook-receiver.js';

describe('webhooks and the outbound address policy', { timeout: 120_000 }, () => {
  let strict: AdminServer | undefined;
  let loopbackAllowed: AdminServer | undefined;

  before(async () => {
    [strict, loopbackAllowed] = await Promise.all([
      startAdminServer('rr_outbound_strict', { OUTBOUND_ALLOW_CIDRS: '' }),
      startAdminServer('rr_outbound_allowed', { OUTBOUND_ALLOW_CIDRS: '127.0.0.0/8,::1/128' }),
    ]);
  });

  after(async () => {
    await Promise.all([strict?.stop(), loopbackAllowed?.stop()]);
  });

  it('by default refuses a webhook to a literal internal address with 400 naming the rule', async () => {
    const admin = strict!.admin;
    for (const [url, rule, address] of [
      ['http://127.0.0.1:9/hook', 'loopback', '127.0.0.1'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local', '169.254.169.254'],
      ['http://[::1]:9/hook', 'loopback', '::1'],
      ['http://0x7f.1:9/hook', 'loopback', '127.0.0.1'],
      ['http://[::ffff:10.0.0.1]/hook', 'private', '::ffff:a00:1'],
      ['http://192.168.1.1/hook', 'private', '192.168.1.1'],
    ] as const) {
      const created = await admin.post('/api/v1/webhooks', { url });
      assert.equal(created.status, 400, `${url}: ${JSON.stringify(created.body)}`);
      assert.match(created.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal(created.body.rule, rule, url);
      assert.equal(created.body.address, address, url);
      assert.match(
        created.body.detail,
        new RegExp(`^url host .*refused by the outbound address policy \\(rule ${rule}\\)`),
      );
      assert.match(created.body.detail, /OUTBOUND_ALLOW_CIDRS/);
    }
    assert.deepEqual((await admin.get('/api/v1/webhooks')).body, [], 'nothing was stored');

    // A host name is accepted (what it resolves to is checked at each delivery); changing it to an internal
    // address is refused like creating one.
    const named = await admin.post('/api/v1/webhooks', {
      url: 'https://hooks.example.com/rapidrtmp',
      events: ['stream.stopped'],
    });
    assert.equal(named.status, 201, JSON.stringify(named.body));
    const patched = await admin.patch(`/api/v1/webhooks/${named.body.id}`, { url: 'http://169.254.169.254/' });
    assert.equal(patched.status, 400);
    assert.equal(patched.body.rule, 'link-local');
    assert.equal(
      (await admin.get(`/api/v1/webhooks/${named.body.id}`)).body.url,
      'https://hooks.example.com/rapidrtmp',
    );
  });

  it('with OUTBOUND_ALLOW_CIDRS=127.0.0.0/8,::1/128 accepts and delivers to 127.0.0.1 and [::1]', async () => {
    const admin = loopbackAllowed!.admin;
    const receivers = await Promise.all([startReceiver('127.0.0.1'), startReceiver('::1')]);
    try {
      for (const receiver of receivers) {
        const url = receiver.url('/hook');
        const created = await admin.post('/api/v1/webhooks', { url, events: ['stream.stopped'] });
        assert.equal(created.status, 201, `${url}: ${JSON.stringify(created.body)}`);
        const test = await admin.post(`/api/v1/webhooks/${created.body.id}/test`);
        assert.equal(test.status, 202);
        const delivery = await waitFor(
          `the test delivery to ${url}`,
          async () => {
            const log = (await admin.get(`/api/v1/webhooks/${created.body.id}/deliveries`)).body as Array<{
              id: string;
              status: string;
              lastStatusCode: number | null;
            }>;
            return log.find((d) => d.id === test.body.deliveryId && d.status !== 'pending');
          },
          20_000,
          50,
        );
        assert.equal(delivery.status, 'succeeded');
        assert.equal(delivery.lastStatusCode, 204);
        assert.equal(receiver.received.length, 1);
        assert.equal(receiver.received[0]!.headers['webhook-id'], test.body.eventId);
      }
      // Only the listed ranges: the metadata address is still refused.
      const metadata = await admin.post('/api/v1/webhooks', { url: 'http://169.254.169.254/' });
      assert.equal(metadata.status, 400);
      assert.equal(metadata.body.rule, 'link-local');
    } finally {
      await Promise.all(receivers.map((r) => r.close()));
    }
  });
});
