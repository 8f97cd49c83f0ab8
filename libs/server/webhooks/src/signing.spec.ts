import assert from 'node:assert/strict';
import { webcrypto } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateWebhookSecret, secretKey, signWebhook, webhookHeaders } from './signing.js';

/** An independent verifier written from the Standard Webhooks text, on WebCrypto rather than node:crypto. */
async function verify(secret: string, id: string, timestamp: string, body: string, header: string): Promise<boolean> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (c) => c.charCodeAt(0));
  const key = await webcrypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  for (const entry of header.split(' ')) {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) continue;
    const bytes = Uint8Array.from(atob(signature), (c) => c.charCodeAt(0));
    const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
    if (await webcrypto.subtle.verify('HMAC', key, bytes, content)) return true;
  }
  return false;
}

describe('webhook signing', () => {
  it('reproduces the Standard Webhooks specification test vector', () => {
    const signature = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    assert.equal(signature, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    assert.match(a, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(secretKey(a).length, 32);
    assert.notEqual(a, b);
  });

  it('produces headers an independent verifier accepts, and only for the signed content', async () => {
    const secret = generateWebhookSecret();
    const body = JSON.stringify({ id: 'e1', type: 'stream.started', data: { ünïcode: '✓' } });
    const headers = webhookHeaders(secret, 'e1', 1764000000, body);
    assert.equal(headers['webhook-id'], 'e1');
    assert.equal(headers['webhook-timestamp'], '1764000000');
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]{43}=$/);
    assert.equal(await verify(secret, 'e1', '1764000000', body, headers['webhook-signature']), true);
    assert.equal(await verify(secret, 'e1', '1764000001', body, headers['webhook-signature']), false);
    assert.equal(await verify(secret, 'e2', '1764000000', body, headers['webhook-signature']), false);
    assert.equal(await verify(secret, 'e1', '1764000000', body + ' ', headers['webhook-signature']), false);
    assert.equal(await verify(generateWebhookSecret(), 'e1', '1764000000', body, headers['webhook-signature']), false);
  });

  it('refuses secrets without the whsec_ prefix', () => {
    assert.throws(() => signWebhook('plain', 'e1', 1, '{}'), /whsec_/);
  });
});
