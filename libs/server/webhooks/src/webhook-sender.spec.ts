import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { generateWebhookSecret, signWebhook } from './signing.js';
import { WebhookReceiver } from './testing/webhook-receiver.js';
import { sendWebhook } from './webhook-sender.js';

describe('sendWebhook', () => {
  const receiver = new WebhookReceiver();
  const secret = generateWebhookSecret();
  const body = '{"id":"e1","type":"webhook.test"}';

  before(() => receiver.listen());
  after(() => receiver.close());

  it('POSTs the JSON body with signed Standard Webhooks headers', async () => {
    const url = receiver.url('/ok');
    const result = await sendWebhook(
      { url, secret, eventId: 'e1', body },
      { timeoutMs: 2000, now: () => 1764000000_500 },
    );
    assert.deepEqual(
      { ...result, durationMs: 0 },
      { ok: true, statusCode: 200, error: null, durationMs: 0, aborted: false },
    );
    const [request] = receiver.on('/ok');
    assert.ok(request);
    assert.equal(request.body, body);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['webhook-id'], 'e1');
    assert.equal(request.headers['webhook-timestamp'], '1764000000');
    assert.equal(request.headers['webhook-signature'], signWebhook(secret, 'e1', 1764000000, body));
  });

  it('reports non-2xx answers and does not follow redirects', async () => {
    const failed = await sendWebhook(
      { url: receiver.url('/500', () => 500), secret, eventId: 'e1', body },
      { timeoutMs: 2000 },
    );
    assert.equal(failed.ok, false);
    assert.equal(failed.statusCode, 500);
    assert.equal(failed.error, 'HTTP 500');
    const redirected = await sendWebhook(
      { url: receiver.url('/302', () => 302), secret, eventId: 'e1', body },
      { timeoutMs: 2000 },
    );
    assert.equal(redirected.ok, false);
    assert.equal(redirected.statusCode, 302);
    assert.match(redirected.error ?? '', /redirects are not followed/);
  });

  it('cuts a receiver that does not answer at the timeout', async () => {
    const started = performance.now();
    const result = await sendWebhook(
      { url: receiver.url('/hang', () => 'hang'), secret, eventId: 'e1', body },
      { timeoutMs: 200 },
    );
    const elapsed = performance.now() - started;
    assert.equal(result.ok, false);
    assert.equal(result.statusCode, null);
    assert.equal(result.error, 'timeout after 200 ms');
    assert.equal(result.aborted, false);
    assert.ok(elapsed >= 190 && elapsed < 2000, `took ${elapsed} ms`);
  });

  it('names the cause of connection errors', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as AddressInfo;
    probe.close();
    await once(probe, 'close');
    const result = await sendWebhook(
      { url: `http://127.0.0.1:${port}/x`, secret, eventId: 'e1', body },
      { timeoutMs: 2000 },
    );
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  it('stops at once, uncounted, when the caller aborts (shutdown)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await sendWebhook(
      { url: receiver.url('/hang2', () => 'hang'), secret, eventId: 'e1', body },
      { timeoutMs: 5000, signal: controller.signal },
    );
    assert.equal(result.aborted, true);
    assert.ok(result.durationMs < 1000);
  });
});
