import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { OutboundGuard, OutboundPolicy } from '@rapidrtmp/server-outbound';
import { tableResolver } from '@rapidrtmp/server-outbound/testing';
import { generateWebhookSecret, signWebhook } from './signing.js';
import { waitFor } from '@rapidrtmp/test-support';
import { WebhookReceiver } from './testing/webhook-receiver.js';
import { sendWebhook } from './webhook-sender.js';

/** Names the tests use instead of DNS; anything else is unknown. */
const { resolver: names } = tableResolver({ 'receiver.test': ['127.0.0.1'], 'internal.test': ['10.0.0.1'] });
/** The receiver lives on 127.0.0.1, so these tests allow loopback as an operator would with OUTBOUND_ALLOW_CIDRS. */
const guard = new OutboundGuard(OutboundPolicy.allowing(['127.0.0.0/8']), names);

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
      { timeoutMs: 2000, guard, now: () => 1764000000_500 },
    );
    assert.deepEqual(
      { ...result, durationMs: 0 },
      { ok: true, statusCode: 200, error: null, durationMs: 0, aborted: false, permanent: false },
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
      { timeoutMs: 2000, guard },
    );
    assert.equal(failed.ok, false);
    assert.equal(failed.statusCode, 500);
    assert.equal(failed.error, 'HTTP 500');
    const redirected = await sendWebhook(
      { url: receiver.url('/302', () => 302), secret, eventId: 'e1', body },
      { timeoutMs: 2000, guard },
    );
    assert.equal(redirected.ok, false);
    assert.equal(redirected.statusCode, 302);
    assert.match(redirected.error ?? '', /redirects are not followed/);
  });

  it('cuts a receiver that does not answer at the timeout', async () => {
    const started = performance.now();
    const result = await sendWebhook(
      { url: receiver.url('/hang', () => 'hang'), secret, eventId: 'e1', body },
      { timeoutMs: 200, guard },
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
      { timeoutMs: 2000, guard },
    );
    assert.equal(result.ok, false);
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  it('stops at once, uncounted, when the caller aborts (shutdown)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await sendWebhook(
      { url: receiver.url('/hang2', () => 'hang'), secret, eventId: 'e1', body },
      { timeoutMs: 5000, guard, signal: controller.signal },
    );
    assert.equal(result.aborted, true);
    assert.ok(result.durationMs < 1000);
  });

  describe('the outbound address policy', () => {
    const strict = new OutboundGuard(OutboundPolicy.strict(), names);

    it('refuses literal internal addresses without connecting, permanently', async () => {
      const before = receiver.requests.length;
      for (const [url, rule] of [
        [receiver.url('/literal'), 'loopback'],
        ['http://169.254.169.254/latest/meta-data/', 'link-local'],
        ['http://[::1]:9/x', 'loopback'],
        ['http://0x7f.1:9/x', 'loopback'],
        ['http://[::ffff:10.0.0.1]/x', 'private'],
      ] as const) {
        const result = await sendWebhook({ url, secret, eventId: 'e1', body }, { timeoutMs: 2000, guard: strict });
        assert.equal(result.ok, false, url);
        assert.equal(result.permanent, true, url);
        assert.equal(result.statusCode, null);
        assert.match(result.error ?? '', new RegExp(`refused by the outbound address policy \\(rule ${rule}\\)`), url);
      }
      assert.equal(receiver.requests.length, before, 'nothing reached the receiver');
    });

    it('refuses a name that resolves to an internal address, naming both', async () => {
      const result = await sendWebhook(
        { url: 'http://internal.test:8080/hook?token=t', secret, eventId: 'e1', body },
        { timeoutMs: 2000, guard },
      );
      assert.equal(result.permanent, true);
      assert.equal(
        result.error,
        'internal.test resolves to 10.0.0.1, a private-use address (RFC 1918) in 10.0.0.0/8: refused by the ' +
          'outbound address policy (rule private); OUTBOUND_ALLOW_CIDRS can allow internal ranges',
      );
    });

    it('connects to the checked address of a name the policy allows', async () => {
      const url = receiver.url('/named').replace('127.0.0.1', 'receiver.test');
      const result = await sendWebhook({ url, secret, eventId: 'e1', body }, { timeoutMs: 2000, guard });
      assert.equal(result.ok, true, result.error ?? '');
      assert.equal(receiver.on('/named').length, 1);
      const refused = await sendWebhook({ url, secret, eventId: 'e1', body }, { timeoutMs: 2000, guard: strict });
      assert.equal(refused.permanent, true);
      assert.match(refused.error ?? '', /receiver\.test resolves to 127\.0\.0\.1, a loopback address/);
      assert.equal(receiver.on('/named').length, 1, 'the refused attempt sent nothing');
    });

    it('a transient network error is not permanent', async () => {
      const result = await sendWebhook(
        { url: 'http://unknown.test/x', secret, eventId: 'e1', body },
        { timeoutMs: 2000, guard },
      );
      assert.equal(result.permanent, false);
      assert.match(result.error ?? '', /^ENOTFOUND: /);
    });
  });

  describe('bounded responses', () => {
    // A raw server: an endless body, or an endless header block.
    let closedByClient = 0;
    const raw = createServer((socket) => {
      socket.once('data', (request: Buffer) => {
        const endlessHeaders = request.toString().startsWith('POST /headers');
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n${endlessHeaders ? '' : '\r\n'}`);
        const chunk = endlessHeaders ? `x-filler: ${'a'.repeat(1000)}\r\n` : 'b'.repeat(64 * 1024);
        const timer = setInterval(() => socket.write(chunk), 5);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          closedByClient++;
        });
      });
    });
    let rawPort: number;
    before(async () => {
      raw.listen(0, '127.0.0.1');
      await once(raw, 'listening');
      rawPort = (raw.address() as AddressInfo).port;
    });
    after(() => {
      raw.close();
    });

    it('reads the status and headers only, and closes the connection (an endless body does not hold it)', async () => {
      const result = await sendWebhook(
        { url: `http://127.0.0.1:${rawPort}/body`, secret, eventId: 'e1', body },
        { timeoutMs: 5000, guard },
      );
      assert.equal(result.ok, true);
      assert.equal(result.statusCode, 200);
      assert.ok(result.durationMs < 4000, `took ${result.durationMs} ms`);
      await waitFor('the connection closed', () => (closedByClient >= 1 ? true : undefined), 5000, 15);
    });

    it('fails an answer whose headers never end, well before the timeout', async () => {
      const result = await sendWebhook(
        { url: `http://127.0.0.1:${rawPort}/headers`, secret, eventId: 'e1', body },
        { timeoutMs: 10_000, guard },
      );
      assert.equal(result.ok, false);
      assert.equal(result.permanent, false);
      assert.match(result.error ?? '', /HPE_HEADER_OVERFLOW/);
      assert.ok(result.durationMs < 8000, `took ${result.durationMs} ms`);
    });
  });
});
